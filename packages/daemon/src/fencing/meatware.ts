// Manual fencing (Heartbeat's meatware): an operator power-cycles the node by hand and confirms
// with `hbctl fence confirm <node>` (Heartbeat: `meatclient -c <node>`). Until then the fence is
// pending and no group of that node starts anywhere. There is no time limit: only the operator
// can know the node is down.

export class MeatwareDesk {
  private readonly waiting = new Map<string, (confirmed: boolean) => void>();

  /** Resolves true when the operator confirms, false when abandoned (hbd stops). */
  wait(node: string): Promise<boolean> {
    const previous = this.waiting.get(node);
    if (previous !== undefined) previous(false);
    return new Promise((resolve) => this.waiting.set(node, resolve));
  }

  /** The operator's word. False when no fence of `node` waits for it. */
  confirm(node: string): boolean {
    const resolve = this.waiting.get(node);
    if (resolve === undefined) return false;
    this.waiting.delete(node);
    resolve(true);
    return true;
  }

  /** The node is back (heard again): a confirmation now would be stale. */
  cancel(node: string): void {
    const resolve = this.waiting.get(node);
    if (resolve === undefined) return;
    this.waiting.delete(node);
    resolve(false);
  }

  pending(): string[] {
    return [...this.waiting.keys()];
  }

  /** hbd stops: nobody will confirm to this process any more. */
  abandonAll(): void {
    for (const resolve of this.waiting.values()) resolve(false);
    this.waiting.clear();
  }
}
