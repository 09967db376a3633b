package dev.topiary.engine.weights;

import static dev.topiary.engine.weights.SafetensorsHeader.invalid;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads safetensors from a file or from memory through bounded reads.
 *
 * <p>Nothing is allocated from a length the file claims until that length has been checked
 * against the real size: the header buffer only after its length is found within the cap and the
 * file, each tensor's array only after the header has been validated against the data section.
 * Tensor data is read in fixed chunks, never mapped, so no file handle outlives the call.
 */
final class SafetensorsReader {
  private static final int CHUNK_BYTES = 64 * 1024;

  private SafetensorsReader() {}

  /** Random access to the bytes of one safetensors source. */
  private interface ByteSource {
    long size() throws IOException;

    /** Fills the remaining bytes of {@code dst} from {@code position}; false if the source ends. */
    boolean readFully(long position, ByteBuffer dst) throws IOException;
  }

  static SafetensorsFile read(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteSource source =
          new ByteSource() {
            @Override
            public long size() throws IOException {
              return channel.size();
            }

            @Override
            public boolean readFully(long position, ByteBuffer dst) throws IOException {
              long at = position;
              while (dst.hasRemaining()) {
                int n = channel.read(dst, at);
                if (n < 0) {
                  return false;
                }
                at += n;
              }
              return true;
            }
          };
      return read(source, file.toString());
    }
  }

  static SafetensorsFile read(byte[] bytes, String label) {
    ByteSource source =
        new ByteSource() {
          @Override
          public long size() {
            return bytes.length;
          }

          @Override
          public boolean readFully(long position, ByteBuffer dst) {
            if (position + dst.remaining() > bytes.length) {
              return false;
            }
            dst.put(bytes, (int) position, dst.remaining());
            return true;
          }
        };
    try {
      return read(source, label);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + label + " from memory", e); // cannot happen
    }
  }

  private static SafetensorsFile read(ByteSource in, String label) throws IOException {
    long size = in.size();
    if (size < 8) {
      throw invalid(
          label, "file is " + size + " bytes, shorter than the 8-byte header length (truncated)");
    }
    ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    readFully(in, 0, prefix, label, "header length");
    long headerLength = prefix.getLong(0);
    if (headerLength < 0 || headerLength > SafetensorsHeader.MAX_HEADER_BYTES) {
      throw invalid(
          label,
          "header length " + Long.toUnsignedString(headerLength) + " exceeds the cap of "
              + SafetensorsHeader.MAX_HEADER_BYTES + " bytes");
    }
    if (headerLength > size - 8) {
      throw invalid(
          label,
          "header truncated: header length is " + headerLength + " bytes but only " + (size - 8)
              + " bytes follow it");
    }
    byte[] header = new byte[(int) headerLength];
    readFully(in, 8, ByteBuffer.wrap(header), label, "header");
    long dataStart = 8 + headerLength;
    SafetensorsHeader parsed = SafetensorsHeader.parse(header, size - dataStart, label);

    Map<String, Tensor> tensors = new LinkedHashMap<>();
    ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (SafetensorsHeader.Entry entry : parsed.entries()) {
      float[] values = readValues(in, dataStart + entry.begin(), entry, chunk, label);
      tensors.put(entry.name(), new Tensor(entry.shape(), values));
    }
    return new SafetensorsFile(tensors, parsed.metadata());
  }

  private static float[] readValues(
      ByteSource in, long position, SafetensorsHeader.Entry entry, ByteBuffer chunk, String label)
      throws IOException {
    int elementSize = entry.dtype().size();
    int perChunk = chunk.capacity() / elementSize;
    float[] values = new float[entry.elementCount()];
    long at = position;
    for (int done = 0; done < values.length; ) {
      int count = Math.min(perChunk, values.length - done);
      chunk.clear().limit(count * elementSize);
      readFully(in, at, chunk, label, "tensor '" + entry.name() + "'");
      chunk.flip();
      entry.dtype().decode(chunk, values, done, count);
      done += count;
      at += (long) count * elementSize;
    }
    return values;
  }

  private static void readFully(ByteSource in, long position, ByteBuffer dst, String label,
      String what) throws IOException {
    if (!in.readFully(position, dst)) {
      // Sizes were checked up front, so only a file shrinking under us gets here.
      throw invalid(label, "data truncated: the file ended while reading the " + what);
    }
  }
}
