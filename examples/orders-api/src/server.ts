// Entry script: the primary forks the workers, each worker serves HTTP.
import cluster from 'node:cluster';
import { createServer } from 'node:http';
import { availableParallelism } from 'node:os';
import { orderIds } from './db.js';
import { stockForAll } from './inventory.js';

if (cluster.isPrimary) {
  for (let i = 0; i < availableParallelism(); i++) {
    cluster.fork();
  }
} else {
  createServer(async (request, response) => {
    const customer = new URL(request.url ?? '/', 'http://localhost').searchParams.get('customer') ?? '';
    const stock = await stockForAll(await orderIds(customer));
    response.end(JSON.stringify(stock));
  }).listen(8080);
}
