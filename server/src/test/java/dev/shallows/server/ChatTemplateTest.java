package dev.shallows.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shallows.server.chat.ChatTemplate;
import dev.shallows.server.chat.ChatTemplate.Message;
import dev.shallows.server.error.ApiException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Chat templates render as Hugging Face's apply_chat_template would (expected strings by hand). */
class ChatTemplateTest {

  // TinyLlama-1.1B-Chat's template (Zephyr style), verbatim from its tokenizer_config.json
  static final String ZEPHYR =
      "{% for message in messages %}\n{% if message['role'] == 'user' %}\n{{ '<|user|>\\n' +"
          + " message['content'] + eos_token }}\n{% elif message['role'] == 'system' %}\n{{"
          + " '<|system|>\\n' + message['content'] + eos_token }}\n{% elif message['role'] =="
          + " 'assistant' %}\n{{ '<|assistant|>\\n'  + message['content'] + eos_token }}\n{% endif"
          + " %}\n{% if loop.last and add_generation_prompt %}\n{{ '<|assistant|>' }}\n{% endif"
          + " %}\n{% endfor %}";

  // Llama-2-chat's template (shortened system handling), with raise_exception
  static final String LLAMA2 =
      "{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0)"
          + " %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...')"
          + " }}{% endif %}{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' +"
          + " message['content'] | trim + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ ' '"
          + "  + message['content'] | trim + ' ' + eos_token }}{% endif %}{% endfor %}";

  // tools as Qwen2.5's template lists them (shortened), and Llama 3.1's indented form
  static final String TOOLS =
      "{%- if tools %}<tools>{% for tool in tools %}\n{{ tool | tojson }}{% endfor %}\n</tools>\n"
          + "{{ tools[0] | tojson(indent=2) }}\n{%- endif %}{% for message in messages %}"
          + "<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n{% endfor %}"
          + "<|im_start|>assistant\n";

  @Test
  void toolsReachTheTemplateAsPythonsJsonDumpsWritesThem() throws Exception {
    ChatTemplate t = new ChatTemplate(TOOLS, "", "");
    var tools =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(
                "[{\"type\":\"function\",\"function\":{\"name\":\"find\",\"description\":\"Finds \\\"a\\\" café\","
                    + "\"parameters\":{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}},"
                    + "\"required\":[\"n\"]}}}]");
    String out = t.render(List.of(new Message("user", "Hi")), tools);
    String oneLine =
        "{\"type\": \"function\", \"function\": {\"name\": \"find\", \"description\": \"Finds"
            + " \\\"a\\\" café\", \"parameters\": {\"type\": \"object\", \"properties\": {\"n\":"
            + " {\"type\": \"integer\"}}, \"required\": [\"n\"]}}}";
    String indented =
        "{\n  \"type\": \"function\",\n  \"function\": {\n    \"name\": \"find\",\n"
            + "    \"description\": \"Finds \\\"a\\\" café\",\n    \"parameters\": {\n"
            + "      \"type\": \"object\",\n      \"properties\": {\n        \"n\": {\n"
            + "          \"type\": \"integer\"\n        }\n      },\n      \"required\": [\n"
            + "        \"n\"\n      ]\n    }\n  }\n}";
    assertEquals(
        "<tools>" // trim_blocks, as Hugging Face renders: no newline right after a block tag
            + oneLine
            + "</tools>\n"
            + indented
            + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
        out);
    assertEquals(
        "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
        t.render(List.of(new Message("user", "Hi"))),
        "no tools, no tools block");
  }

  // Llama 3.1's way of writing earlier calls and their results (shortened)
  static final String CALLS =
      "{% for message in messages %}{% if message.tool_calls %}{% for c in message.tool_calls %}"
          + "CALL {{ c.function.name }} {{ c.function.arguments | tojson }}\n{% endfor %}"
          + "{% elif message.role == 'tool' %}RESULT({{ message.tool_call_id }}) {{ message.content }}\n"
          + "{% else %}{{ message.role }}: {{ message.content }}\n{% endif %}{% endfor %}";

  @Test
  void earlierCallsReachATemplateStructuredWithParsedArguments() throws Exception {
    var calls =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(
                "[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"find\","
                    + "\"arguments\":\"{\\\"n\\\":3}\"}}]");
    List<Message> history =
        List.of(
            new Message("user", "Find 3"),
            new Message("assistant", calls.toString(), calls, true, null),
            new Message("tool", "found", null, false, "c1"));
    assertEquals(
        "user: Find 3\nCALL find {\"n\": 3}\nRESULT(c1) found\n",
        new ChatTemplate(CALLS, "", "").render(history));
    // the default transcript shows the calls as their JSON
    assertEquals(
        "User: Find 3\nAssistant: " + calls + "\nTool: found\nAssistant:",
        new ChatTemplate(null, "", "").render(history));
  }

  @Test
  void continueFinalMessageEndsThePromptInsideTheLastMessage() {
    ChatTemplate zephyr = new ChatTemplate(ZEPHYR, "<s>", "</s>");
    List<Message> prefill =
        List.of(new Message("user", "Tell a story"), new Message("assistant", "Once upon"));
    ChatTemplate.Options cont = new ChatTemplate.Options(null, false, true, java.util.Map.of());
    assertEquals(
        "<|user|>\nTell a story</s>\n<|assistant|>\nOnce upon", zephyr.render(prefill, cont));
    // a template that trims the message: the prompt ends at the trimmed text (Hugging Face's
    // rule), unless the rendered text goes on exactly as the message did
    ChatTemplate llama2 = new ChatTemplate(LLAMA2, "<s>", "</s>");
    List<Message> spaced =
        List.of(new Message("user", "Hi"), new Message("assistant", "The answer is\n"));
    assertEquals("<s>[INST] Hi [/INST] The answer is", llama2.render(spaced, cont));
    // add_generation_prompt false: no assistant start after the last message
    ChatTemplate.Options none = new ChatTemplate.Options(null, false, false, java.util.Map.of());
    assertEquals("<|user|>\nTell a story</s>\n", zephyr.render(List.of(prefill.get(0)), none));
    ApiException e =
        assertThrows(
            ApiException.class,
            () ->
                zephyr.render(
                    List.of(new Message("user", "Hi"), new Message("assistant", " ")), cont));
    assertEquals("continue_final_message", e.param());
  }

  @Test
  void chatTemplateKwargsAreTemplateVariables() {
    ChatTemplate t =
        new ChatTemplate(
            "{{ messages[0]['content'] }}{% if enable_thinking is false %} /no_think{% endif %}",
            "", "");
    List<Message> m = List.of(new Message("user", "Hi"));
    assertEquals("Hi", t.render(m));
    assertEquals(
        "Hi /no_think",
        t.render(
            m,
            new ChatTemplate.Options(
                null, true, false, java.util.Map.of("enable_thinking", false))));
  }

  @Test
  void defaultTemplateIsAPlainTranscript() {
    ChatTemplate t = new ChatTemplate(null, "<s>", "</s>");
    assertTrue(t.isDefault());
    String out =
        t.render(List.of(new Message("system", "Be brief."), new Message("user", "Hi there")));
    assertEquals("System: Be brief.\nUser: Hi there\nAssistant:", out);
  }

  @Test
  void zephyrTemplate() {
    ChatTemplate t = new ChatTemplate(ZEPHYR, "<s>", "</s>");
    String out = t.render(List.of(new Message("system", "Be brief."), new Message("user", "Hi")));
    assertEquals("<|system|>\nBe brief.</s>\n<|user|>\nHi</s>\n<|assistant|>\n", out);
  }

  @Test
  void llama2TemplateAndRaiseException() {
    ChatTemplate t = new ChatTemplate(LLAMA2, "<s>", "</s>");
    String out =
        t.render(
            List.of(
                new Message("user", " Hi "),
                new Message("assistant", "Hello"),
                new Message("user", "Bye")));
    assertEquals("<s>[INST] Hi [/INST] Hello </s><s>[INST] Bye [/INST]", out);
    ApiException e =
        assertThrows(
            ApiException.class,
            () -> t.render(List.of(new Message("assistant", "x"), new Message("user", "y"))));
    assertEquals(400, e.status());
    assertEquals("messages", e.param());
    assertTrue(e.getMessage().contains("alternate"), e.getMessage());
  }
}
