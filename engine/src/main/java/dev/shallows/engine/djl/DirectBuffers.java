package dev.shallows.engine.djl;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;

/**
 * A byte view of a direct FloatBuffer at the same address, so DJL can wrap F32 weights without a
 * copy ({@code NDManager.create} shares memory only for a direct ByteBuffer whose size matches the
 * shape exactly; a FloatBuffer would be copied). The caller keeps the original buffer reachable:
 * the returned view does not keep its memory alive.
 */
final class DirectBuffers {

  private DirectBuffers() {}

  /** Bytes of the remaining floats of {@code floats}, position 0, same memory. */
  static ByteBuffer asByteBuffer(FloatBuffer floats) {
    FloatBuffer f = floats.slice(); // position 0 = the first remaining float
    long bytes = (long) f.remaining() * Float.BYTES;
    if (bytes == 0) {
      return ByteBuffer.allocateDirect(0);
    }
    BytePointer p = new BytePointer(new FloatPointer(f));
    p.position(0).limit(bytes).capacity(bytes);
    return p.asByteBuffer();
  }
}
