// Stock lookups against the inventory service, one request per order.
export async function stockFor(orderId: string): Promise<number> {
  const response = await fetch(`http://inventory.internal/orders/${orderId}/stock`);
  return ((await response.json()) as { stock: number }).stock;
}

export async function stockForAll(orderIds: string[]): Promise<number[]> {
  return Promise.all(orderIds.map(async (id) => stockFor(id)));
}
