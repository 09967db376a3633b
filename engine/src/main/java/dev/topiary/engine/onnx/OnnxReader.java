package dev.topiary.engine.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.topiary.engine.InvalidModelException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import shade.com.google.protobuf.CodedInputStream;
import shade.com.google.protobuf.UnsafeByteOperations;
import shade.com.google.protobuf.InvalidProtocolBufferException;

/**
 * Parses an ONNX file into its protobuf message, within limits: the file's size (configurable),
 * protobuf nesting, and the file's own length as the most any message may declare.
 *
 * <p>The file is memory-mapped and parsed with aliasing on, so the initializers' {@code raw_data}
 * are views of the mapping rather than copies on the heap: importing a 100 MB ResNet-50 costs
 * about its float32 weights in heap, not three times the file.
 */
final class OnnxReader {
  /** Default largest file accepted: 2 GiB less one byte is protobuf's own ceiling. */
  static final long DEFAULT_MAX_BYTES = Integer.MAX_VALUE;

  /** Nesting deeper than this is refused (an ONNX model nests a handful of levels). */
  static final int RECURSION_LIMIT = 64;

  private OnnxReader() {}

  static ModelProto read(Path file, long maxBytes) {
    long size;
    try {
      size = Files.size(file);
    } catch (NoSuchFileException e) {
      throw new InvalidModelException(file + ": no such file");
    } catch (IOException e) {
      throw new InvalidModelException(file + ": cannot read: " + e.getMessage(), e);
    }
    if (size == 0) {
      throw new InvalidModelException(file + ": the file is empty (0 bytes), not an ONNX model");
    }
    if (size > Math.min(maxBytes, DEFAULT_MAX_BYTES)) {
      throw new InvalidModelException(file + ": " + size + " bytes is over the limit of "
          + Math.min(maxBytes, DEFAULT_MAX_BYTES) + " bytes for an ONNX file");
    }
    ByteBuffer mapped;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
    } catch (IOException e) {
      throw new InvalidModelException(file + ": cannot read: " + e.getMessage(), e);
    }
    return parse(mapped, file.toString());
  }

  static ModelProto parse(ByteBuffer bytes, String source) {
    // CodedInputStream.newInstance(ByteBuffer) treats the buffer as mutable and so copies every
    // bytes field even with aliasing on (a heap copy of the whole file); a ByteString wrapping the
    // read-only mapping opens a stream that knows it is immutable, so raw_data stays in the mapping
    CodedInputStream in = UnsafeByteOperations.unsafeWrap(bytes).newCodedInput();
    in.enableAliasing(true);
    in.setRecursionLimit(RECURSION_LIMIT);
    in.setSizeLimit(bytes.remaining());
    ModelProto model;
    try {
      model = ModelProto.parseFrom(in);
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidModelException(source + ": not an ONNX model (truncated or not protobuf: " + e.getMessage() + ")", e);
    } catch (IOException e) {
      throw new InvalidModelException(source + ": cannot read: " + e.getMessage(), e);
    }
    if (model.getIrVersion() <= 0 || !model.hasGraph() || model.getGraph().getNodeCount() == 0) {
      throw new InvalidModelException(source + ": not an ONNX model (no ir_version or no graph with nodes)");
    }
    return model;
  }
}
