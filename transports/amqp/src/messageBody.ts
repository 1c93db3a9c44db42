/** The bytes of a message body: an AMQP data section, or a binary or string AMQP value. Undefined for anything else. */
export function messageBodyBytes(body: unknown): Buffer | undefined {
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body !== null && typeof body === 'object') {
    // rhea hands a data section over as a Section object with typecode 0x75 and its bytes in `content`.
    const section = body as { typecode?: unknown; content?: unknown };
    if (section.typecode === 0x75 && Buffer.isBuffer(section.content)) return section.content;
    if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  }
  return undefined;
}
