package dev.topiary.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import org.junit.jupiter.api.Test;

/** The reader's memory promise: initializer bytes stay in the file's mapping, never copied to the heap. */
class OnnxReaderTest {
  @Test
  void initializerRawDataAliasesTheMappedFileInsteadOfAHeapCopy() {
    ModelProto model = OnnxReader.read(OnnxFixtureFiles.path("resnet-bn-op13.onnx"), OnnxReader.DEFAULT_MAX_BYTES);
    int raw = 0;
    for (TensorProto t : model.getGraph().getInitializerList()) {
      if (!t.getRawData().isEmpty()) {
        raw++;
        // a copied ByteString answers a heap buffer; an aliased one a view of the MappedByteBuffer
        assertTrue(t.getRawData().asReadOnlyByteBuffer().isDirect(), t.getName() + ": raw_data was copied to the heap");
      }
    }
    assertFalse(raw == 0, "the fixture stores its weights as raw_data");
  }
}
