// The few protobuf messages of onnx.proto an exported model needs, written by hand: varints, fixed
// 32-bit floats, length-delimited fields and packed repeated int64s. Field numbers are onnx.proto's.

/** Protobuf wire types. */
const VARINT = 0;
const FIXED32 = 5;
const LENGTH = 2;

/** A growing byte buffer with protobuf's field encodings. */
export class ProtoWriter {
  private buf = new Uint8Array(64);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** An unsigned varint; a negative integer is written as its 64-bit two's complement (10 bytes), as int64 wants. */
  varint(value: number): void {
    if (!Number.isSafeInteger(value)) {
      throw new RangeError(`ProtoWriter: a varint must be a safe integer. Received: ${value}.`);
    }
    this.reserve(10);
    if (value >= 0 && value < 2 ** 31) {
      let v = value;
      while (v >= 0x80) {
        this.buf[this.len++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      this.buf[this.len++] = v;
      return;
    }
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.buf[this.len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.len++] = Number(v);
  }

  private tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  /** An int32, int64 or enum field. */
  int(field: number, value: number): void {
    this.tag(field, VARINT);
    this.varint(value);
  }

  /** A float field: 4 bytes, little-endian IEEE 754. */
  float(field: number, value: number): void {
    this.tag(field, FIXED32);
    this.reserve(4);
    new DataView(this.buf.buffer).setFloat32(this.len, value, true);
    this.len += 4;
  }

  /** A bytes field (also a nested message's encoding). */
  bytes(field: number, value: Uint8Array): void {
    this.tag(field, LENGTH);
    this.varint(value.length);
    this.reserve(value.length);
    this.buf.set(value, this.len);
    this.len += value.length;
  }

  /** A string field, UTF-8. */
  string(field: number, value: string): void {
    this.bytes(field, new TextEncoder().encode(value));
  }

  /** A nested message, written by `body` into its own writer. */
  message(field: number, body: (w: ProtoWriter) => void): void {
    const inner = new ProtoWriter();
    body(inner);
    this.bytes(field, inner.finish());
  }

  /** A packed repeated int64 field: one length-delimited run of varints. */
  packedInts(field: number, values: readonly number[]): void {
    if (values.length === 0) return; // an empty repeated field is an absent one
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(v);
    this.bytes(field, inner.finish());
  }

  /** A packed repeated float field. */
  packedFloats(field: number, values: readonly number[]): void {
    this.bytes(field, littleEndianFloats(values));
  }

  /** The bytes written so far. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** float32 values as little-endian bytes, whatever the host's byte order. */
export function littleEndianFloats(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return out;
}

/** TensorProto.DataType values used here. */
export const FLOAT = 1;
export const INT64 = 7;

/** An attribute's value, tagged with its AttributeProto type. */
export type Attribute =
  | { int: number }
  | { ints: readonly number[] }
  | { float: number }
  | { floats: readonly number[] }
  | { string: string };

/** A node: an operator applied to named values. An empty input name skips an optional input. */
export interface NodeProto {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name: string;
  attributes?: Record<string, Attribute>;
}

/** A constant tensor: float32 (raw little-endian bytes) or int64 values. */
export interface TensorProto {
  name: string;
  dims: readonly number[];
  data: { float32: ArrayLike<number> } | { int64: readonly number[] };
}

/** A graph input or output: a float tensor whose dimensions are sizes or symbolic names ('batch'). */
export interface ValueInfoProto {
  name: string;
  dims: readonly (number | string)[];
}

export interface GraphProto {
  name: string;
  nodes: readonly NodeProto[];
  initializers: readonly TensorProto[];
  inputs: readonly ValueInfoProto[];
  outputs: readonly ValueInfoProto[];
}

export interface ModelProto {
  irVersion: number;
  /** The default domain's ('' = ai.onnx) opset version. */
  opset: number;
  producerName: string;
  producerVersion?: string;
  graph: GraphProto;
}

// AttributeProto.AttributeType.
const ATTRIBUTE_TYPE = { float: 1, int: 2, string: 3, floats: 6, ints: 7 } as const;

function writeAttribute(w: ProtoWriter, name: string, a: Attribute): void {
  w.string(1, name);
  if ('int' in a) {
    w.int(20, ATTRIBUTE_TYPE.int);
    w.int(3, a.int);
  } else if ('ints' in a) {
    w.int(20, ATTRIBUTE_TYPE.ints);
    w.packedInts(8, a.ints);
  } else if ('float' in a) {
    w.int(20, ATTRIBUTE_TYPE.float);
    w.float(2, a.float);
  } else if ('floats' in a) {
    w.int(20, ATTRIBUTE_TYPE.floats);
    w.packedFloats(7, a.floats);
  } else {
    w.int(20, ATTRIBUTE_TYPE.string);
    w.string(4, a.string);
  }
}

function writeNode(w: ProtoWriter, n: NodeProto): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name);
  w.string(4, n.opType);
  for (const [name, a] of Object.entries(n.attributes ?? {})) w.message(5, (m) => writeAttribute(m, name, a));
}

function writeTensor(w: ProtoWriter, t: TensorProto): void {
  w.packedInts(1, t.dims);
  if ('float32' in t.data) {
    w.int(2, FLOAT);
    w.string(8, t.name);
    w.bytes(9, littleEndianFloats(t.data.float32));
  } else {
    w.int(2, INT64);
    w.packedInts(7, t.data.int64);
    w.string(8, t.name);
  }
}

function writeValueInfo(w: ProtoWriter, v: ValueInfoProto): void {
  w.string(1, v.name);
  // TypeProto.tensor_type: elem_type, then TensorShapeProto with one Dimension per axis.
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, FLOAT);
      tensor.message(2, (shape) => {
        for (const d of v.dims) {
          shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
        }
      });
    }),
  );
}

function writeGraph(w: ProtoWriter, g: GraphProto): void {
  for (const n of g.nodes) w.message(1, (m) => writeNode(m, n));
  w.string(2, g.name);
  for (const t of g.initializers) w.message(5, (m) => writeTensor(m, t));
  for (const v of g.inputs) w.message(11, (m) => writeValueInfo(m, v));
  for (const v of g.outputs) w.message(12, (m) => writeValueInfo(m, v));
}

/** A ModelProto's bytes: what an .onnx file holds. */
export function encodeModel(m: ModelProto): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, m.irVersion);
  w.string(2, m.producerName);
  if (m.producerVersion) w.string(3, m.producerVersion);
  w.message(7, (g) => writeGraph(g, m.graph));
  w.message(8, (o) => {
    o.string(1, '');
    o.int(2, m.opset);
  });
  return w.finish();
}
