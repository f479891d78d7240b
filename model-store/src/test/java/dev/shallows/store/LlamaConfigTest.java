package dev.shallows.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config.json binding for Llama-2, TinyLlama (GQA), Llama 3.1, Mistral and Qwen2 configs. */
class LlamaConfigTest {

  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  static LlamaConfig parse(String json) throws IOException {
    return LlamaConfig.fromJson((ObjectNode) JSON.readTree(json.replace('\'', '"')));
  }

  @Test
  void llama2WithoutKvHeadsHasNoGqa() throws IOException {
    LlamaConfig c =
        parse(
            "{'architectures':['LlamaForCausalLM'],'bos_token_id':1,'eos_token_id':2,"
                + "'hidden_act':'silu','hidden_size':4096,'intermediate_size':11008,"
                + "'max_position_embeddings':4096,'model_type':'llama','num_attention_heads':32,"
                + "'num_hidden_layers':32,'rms_norm_eps':1e-05,'tie_word_embeddings':false,"
                + "'torch_dtype':'float16','vocab_size':32000}");
    assertEquals(32, c.numKeyValueHeads());
    assertEquals(128, c.headDim());
    assertEquals(4096, c.kvDim());
    assertEquals(4096, c.qDim());
    assertEquals(10000.0, c.ropeTheta());
    assertNull(c.ropeScaling());
    assertFalse(c.tieWordEmbeddings());
    assertFalse(c.attentionBias());
    assertEquals(List.of(1), c.bosTokenIds());
    assertEquals(List.of(2), c.eosTokenIds());
    assertEquals(1e-5, c.rmsNormEps());
    assertEquals("float16", c.torchDtype());
  }

  @Test
  void tinyLlamaGqa() throws IOException {
    LlamaConfig c =
        parse(
            "{'hidden_size':2048,'intermediate_size':5632,'num_hidden_layers':22,"
                + "'num_attention_heads':32,'num_key_value_heads':4,'vocab_size':32000,"
                + "'rope_theta':10000.0,'max_position_embeddings':2048,'model_type':'llama'}");
    assertEquals(4, c.numKeyValueHeads());
    assertEquals(64, c.headDim());
    assertEquals(256, c.kvDim());
    assertEquals(1e-6, c.rmsNormEps(), "HF default when absent");
  }

  @Test
  void llama31RopeScalingAndEosList() throws IOException {
    LlamaConfig c =
        parse(
            "{'model_type':'llama','hidden_size':4096,'intermediate_size':14336,"
                + "'num_hidden_layers':32,'num_attention_heads':32,'num_key_value_heads':8,"
                + "'vocab_size':128256,'max_position_embeddings':131072,'rope_theta':500000.0,"
                + "'rope_scaling':{'factor':8.0,'low_freq_factor':1.0,'high_freq_factor':4.0,"
                + "'original_max_position_embeddings':8192,'rope_type':'llama3'},"
                + "'bos_token_id':128000,'eos_token_id':[128001,128008,128009],"
                + "'tie_word_embeddings':false,'attention_bias':false,'torch_dtype':'bfloat16'}");
    assertEquals(500000.0, c.ropeTheta());
    LlamaConfig.RopeScaling rs = c.ropeScaling();
    assertEquals("llama3", rs.type());
    assertEquals(8.0, rs.factor());
    assertEquals(1.0, rs.lowFreqFactor());
    assertEquals(4.0, rs.highFreqFactor());
    assertEquals(8192, rs.originalMaxPositionEmbeddings());
    assertEquals(List.of(128001, 128008, 128009), c.eosTokenIds());
    assertEquals(List.of(128000), c.bosTokenIds());
    assertEquals(1024, c.kvDim());
  }

  @Test
  void olderRopeScalingSpelledType() throws IOException {
    LlamaConfig c =
        parse(
            "{'hidden_size':64,'intermediate_size':128,'num_hidden_layers':2,"
                + "'num_attention_heads':4,'vocab_size':100,"
                + "'rope_scaling':{'type':'linear','factor':2.0}}");
    assertEquals("linear", c.ropeScaling().type());
    assertEquals(2.0, c.ropeScaling().factor());
  }

  @Test
  void mistralWithExplicitHeadDim() throws IOException {
    LlamaConfig c =
        parse(
            "{'architectures':['MistralForCausalLM'],'model_type':'mistral','hidden_size':5120,"
                + "'intermediate_size':14336,'num_hidden_layers':40,'num_attention_heads':32,"
                + "'num_key_value_heads':8,'head_dim':128,'vocab_size':131072,"
                + "'max_position_embeddings':1024000,'rope_theta':1000000.0,'sliding_window':null,"
                + "'rms_norm_eps':1e-05,'bos_token_id':1,'eos_token_id':2}");
    assertEquals("mistral", c.modelType());
    assertEquals(128, c.headDim(), "head_dim is not hidden/heads here (5120/32 = 160)");
    assertEquals(4096, c.qDim());
    assertEquals(1024, c.kvDim());
    assertTrue(c.raw().has("sliding_window"), "unmodelled keys are kept");
  }

  @Test
  void qwen2ImpliesQkvBiasAndMayLackBos() throws IOException {
    LlamaConfig c =
        parse(
            "{'architectures':['Qwen2ForCausalLM'],'model_type':'qwen2','hidden_size':896,"
                + "'intermediate_size':4864,'num_hidden_layers':24,'num_attention_heads':14,"
                + "'num_key_value_heads':2,'vocab_size':151936,'max_position_embeddings':32768,"
                + "'rope_theta':1000000.0,'rms_norm_eps':1e-06,'tie_word_embeddings':true,"
                + "'bos_token_id':null,'eos_token_id':151645,'use_sliding_window':false}");
    assertTrue(c.attentionBias());
    assertTrue(c.tieWordEmbeddings());
    assertEquals(64, c.headDim());
    assertEquals(List.of(), c.bosTokenIds());
    assertEquals(List.of(151645), c.eosTokenIds());
    LlamaConfig explicit =
        parse(
            "{'model_type':'qwen2','hidden_size':8,'intermediate_size':8,'num_hidden_layers':1,"
                + "'num_attention_heads':2,'vocab_size':10,'attention_bias':false}");
    assertFalse(explicit.attentionBias(), "an explicit attention_bias wins");
  }

  @Test
  void rewritingLayersKeepsOtherKeysAndRoundTrips() throws IOException {
    LlamaConfig c =
        parse(
            "{'model_type':'llama','hidden_size':8,'intermediate_size':16,'num_hidden_layers':6,"
                + "'num_attention_heads':2,'vocab_size':10,'custom_key':{'a':[1,2]}}");
    LlamaConfig pruned = c.withNumHiddenLayers(4);
    assertEquals(4, pruned.numHiddenLayers());
    assertEquals(6, c.numHiddenLayers(), "the original is unchanged");
    assertEquals(c.raw().get("custom_key"), pruned.raw().get("custom_key"));
    Path dir = Files.createDirectories(tmp.resolve("cfg"));
    pruned.write(dir);
    assertEquals(pruned, LlamaConfig.read(dir));
  }

  @Test
  void errorsNameTheProblem() throws IOException {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> parse("{'hidden_size':8,'num_attention_heads':2,'vocab_size':10}"));
    assertTrue(e.getMessage().contains("intermediate_size"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                parse(
                    "{'hidden_size':8,'intermediate_size':8,'num_hidden_layers':1,"
                        + "'num_attention_heads':3,'num_key_value_heads':2,'vocab_size':10}"));
    assertTrue(e.getMessage().contains("num_key_value_heads"), e.getMessage());
    Path bad = tmp.resolve("bad");
    Files.createDirectories(bad);
    Files.writeString(bad.resolve("config.json"), "{\"hidden_size\": 8");
    assertThrows(RuntimeException.class, () -> LlamaConfig.read(bad));
  }
}
