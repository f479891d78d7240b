package dev.shallows.server.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tool-call parsers on replies written by hand in each model family's format: calls, content
 * before them, malformed calls read as text, the streaming hold-back (content sent while streaming
 * is exactly the content of the whole reply), and which parser a chat template selects.
 */
class ToolCallParserTest {

  private final ToolCallParser hermes = ToolCallParser.named("hermes");
  private final ToolCallParser llama = ToolCallParser.named("llama3_json");
  private final ToolCallParser mistral = ToolCallParser.named("mistral");
  private final ToolCallParser pythonic = ToolCallParser.named("pythonic");

  private static String calls(ToolCallParser.Parsed p) {
    StringBuilder b = new StringBuilder();
    for (ToolCallParser.Call c : p.calls()) {
      b.append(c.name()).append(c.arguments()).append(';');
    }
    return b.toString();
  }

  @Test
  void hermesReadsTaggedCallsAndTheContentBeforeThem() {
    String one =
        "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}\n</tool_call>";
    ToolCallParser.Parsed p = hermes.parse(one);
    assertEquals("get_weather{\"city\":\"Oslo\"};", calls(p));
    assertEquals(0, p.contentEnd());

    String two =
        "Let me check.\n<tool_call>\n{\"name\": \"a\", \"arguments\": {}}\n</tool_call>\n"
            + "<tool_call>\n{\"name\": \"b\", \"parameters\": {\"n\": [1, 2]}}\n</tool_call>";
    p = hermes.parse(two);
    assertEquals("a{};b{\"n\":[1,2]};", calls(p));
    assertEquals("Let me check.\n", two.substring(0, p.contentEnd()));

    // the reply ended inside the last tag (no closing tag): still a call, as vLLM reads it
    assertEquals(
        "a{\"x\":1};", calls(hermes.parse("<tool_call>{\"name\":\"a\",\"arguments\":{\"x\":1}}")));
  }

  @Test
  void hermesReadsMalformedCallsAsText() {
    for (String text :
        List.of(
            "No calls here, just <tool text.",
            "<tool_call>\n{\"name\": \"a\", \"arguments\": {\"city\": \"Os", // cut by max_tokens
            "<tool_call>{\"name\": \"a\"}</tool_call>", // no arguments
            "<tool_call>{\"name\": \"a\", \"arguments\": \"{}\"}</tool_call>", // not an object
            "<tool_call>{\"name\": 3, \"arguments\": {}}</tool_call>",
            "<tool_call>{\"name\": \"a\", \"arguments\": {}} and more</tool_call>",
            "<tool_call>{\"name\": \"a\", \"arguments\": {}}</tool_call><tool_call>oops</tool_call>")) {
      assertNull(hermes.parse(text), text);
    }
  }

  @Test
  void llama3ReadsJsonCallsThatAreTheWholeReply() {
    ToolCallParser.Parsed p =
        llama.parse(" {\"name\": \"get_weather\", \"parameters\": {\"city\": \"Oslo\"}}");
    assertEquals("get_weather{\"city\":\"Oslo\"};", calls(p));
    assertEquals(0, p.contentEnd());
    assertEquals(
        "a{};b{\"q\":\"x;y\"};",
        calls(
            llama.parse(
                "<|python_tag|>{\"name\": \"a\", \"arguments\": {}}; {\"name\": \"b\","
                    + " \"parameters\": {\"q\": \"x;y\"}}\n")));
    for (String text :
        List.of(
            "The weather is {\"name\": \"a\", \"parameters\": {}}", // text first
            "{\"name\": \"a\", \"parameters\": {}} is what I would call",
            "{\"name\": \"a\", \"parameters\": {}}; ", // a dangling separator
            "{\"city\": \"Oslo\"}", // JSON, but not a call
            "{\"name\": \"a\", \"parameters\": {\"city\": ")) {
      assertNull(llama.parse(text), text);
    }
  }

  @Test
  void mistralReadsTheArrayAfterItsMarkerOrAlone() {
    String marked =
        "Checking.[TOOL_CALLS] [{\"name\": \"a\", \"arguments\": {\"x\": 1}},"
            + " {\"name\": \"b\", \"arguments\": {}}]";
    ToolCallParser.Parsed p = mistral.parse(marked);
    assertEquals("a{\"x\":1};b{};", calls(p));
    assertEquals("Checking.", marked.substring(0, p.contentEnd()));
    // the marker is a control token a detokenizer may drop: the bare array counts
    p = mistral.parse(" [{\"name\": \"a\", \"arguments\": {}}]");
    assertEquals("a{};", calls(p));
    assertEquals(0, p.contentEnd());
    for (String text :
        List.of(
            "[1, 2, 3] are numbers",
            "[]",
            "[{\"name\": \"a\"}]",
            "See [TOOL_CALLS] {\"name\": \"a\", \"arguments\": {}}",
            "[{\"name\": \"a\", \"arguments\": {}}] and more")) {
      assertNull(mistral.parse(text), text);
    }
    for (int piece = 1; piece <= 5; piece++) {
      assertEquals("Checking.", streamed(mistral, marked, piece), "piece " + piece);
      assertEquals("See [1] and [2].", streamed(mistral, "See [1] and [2].", piece));
      assertEquals("", streamed(mistral, " [{\"name\": \"a\"", piece), "a reply that opens with [");
    }
  }

  @Test
  void pythonicReadsAListOfCallsWithLiteralArguments() {
    ToolCallParser.Parsed p =
        pythonic.parse(
            " [get_weather(city=\"Oslo\", days=3), now(), book(room='A\\'1', price=-12.5e1,"
                + " ok=True, note=None, tags=['x', \"y\"], span=(1, 2),"
                + " opts={'a': {\"b\": False}}, big=1_000,)]\n");
    assertEquals(
        "get_weather{\"city\":\"Oslo\",\"days\":3};now{};book{\"room\":\"A'1\","
            + "\"price\":-125.0,\"ok\":true,\"note\":null,\"tags\":[\"x\",\"y\"],"
            + "\"span\":[1,2],\"opts\":{\"a\":{\"b\":false}},\"big\":1000};",
        calls(p));
    assertEquals(0, p.contentEnd());
    ToolCallParser.Call escaped =
        pythonic.parse("<|python_start|>[f(s='\\xe9\\u00e8\\n\\q')]<|python_end|>").calls().get(0);
    assertEquals("\u00e9\u00e8\n\\q", escaped.arguments().get("s").textValue());
    for (String text :
        List.of(
            "Sure: [f(x=1)]", // text first
            "[f(x=1)] done", // text after
            "[f(1)]", // positional arguments
            "[f(x=1, x=2)]", // an argument twice
            "[f(x=y)]", // a name, not a literal
            "[f(x={1: 2})]", // a non-string key
            "[f(x='open)]",
            "[f(x=1)", // cut by max_tokens
            "[]",
            "[1, 2, 3]")) {
      assertNull(pythonic.parse(text), text);
    }
    for (int piece = 1; piece <= 5; piece++) {
      assertEquals("", streamed(pythonic, " [f(x=1)]", piece), "a reply that opens with [");
      assertEquals("", streamed(pythonic, "<|python_start|>[f(x=1)]", piece));
      assertEquals("It is sunny [1].", streamed(pythonic, "It is sunny [1].", piece));
    }
  }

  /** Feeds {@code text} in pieces as a stream would and returns the content sent before the end. */
  private static String streamed(ToolCallParser parser, String text, int piece) {
    StringBuilder all = new StringBuilder();
    int sent = 0;
    for (int i = 0; i < text.length(); i += piece) {
      all.append(text, i, Math.min(text.length(), i + piece));
      int safe = parser.contentPrefix(all.toString());
      assertEquals(true, safe >= sent, "the sent prefix never shrinks");
      sent = safe;
    }
    return text.substring(0, sent);
  }

  @Test
  void streamingSendsOnlyTextThatCannotBeACall() {
    String withCall =
        "Checking <tools> first.<tool_call>{\"name\":\"a\",\"arguments\":{}}</tool_call>";
    for (int piece = 1; piece <= 7; piece++) {
      String sent = streamed(hermes, withCall, piece);
      assertEquals(
          withCall.substring(0, hermes.parse(withCall).contentEnd()), sent, "piece " + piece);
    }
    assertEquals("Just text ", streamed(hermes, "Just text <tool", 100), "held: it may grow");
    assertEquals("Just text <tools>", streamed(hermes, "Just text <tools>", 1));

    assertEquals("", streamed(llama, "  {\"name\": \"a\", \"parameters\": {}}", 3));
    assertEquals("", streamed(llama, "<|python_t", 1));
    assertEquals("Sunny in Oslo.", streamed(llama, "Sunny in Oslo.", 2));
    assertEquals(
        0, llama.contentPrefix("\n  "), "leading whitespace waits for the first character");
  }

  @Test
  void theChatTemplateSelectsTheParser() {
    String qwen =
        "{%- if tools %}# Tools\n<tools>{% for t in tools %}{{ t | tojson }}{% endfor %}</tools>\n"
            + "For each function call, return a json object within <tool_call></tool_call> XML tags"
            + "{%- endif %}{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}"
            + "<|im_end|>\n{% endfor %}<|im_start|>assistant\n";
    String llama31 =
        "{%- if tools %}Given the following functions, please respond with a JSON for a function"
            + " call with its proper arguments that best answers the given prompt.{% endif %}"
            + "{%- if builtin_tools %}<|python_tag|>{% endif %}{% for m in messages %}{{ m.content }}"
            + "{% endfor %}";
    assertInstanceOf(HermesToolCalls.class, ToolCallParser.detect(new ChatTemplate(qwen, "", "")));
    assertInstanceOf(
        Llama3JsonToolCalls.class, ToolCallParser.detect(new ChatTemplate(llama31, "", "")));
    assertNull(ToolCallParser.detect(new ChatTemplate(null, "", "")), "the default transcript");
    assertNull(
        ToolCallParser.detect(
            new ChatTemplate("{% for m in messages %}{{ m.content }}{% endfor %}", "", "")));
    assertInstanceOf(
        MistralToolCalls.class,
        ToolCallParser.detect(
            new ChatTemplate(
                "{% if tools %}[AVAILABLE_TOOLS]{{ tools | tojson }}[/AVAILABLE_TOOLS]{% endif %}"
                    + "{% for m in messages %}[INST]{{ m.content }}[/INST]{% endfor %}",
                "", "")));
    String llama32Pythonic =
        "{%- if tools %}If you decide to invoke any of the function(s), you MUST put it in the"
            + " format of [func_name1(params_name1=params_value1, params_name2=params_value2...),"
            + " func_name2(params)]{% endif %}{% for m in messages %}{{ m.content }}{% endfor %}";
    assertInstanceOf(
        PythonicToolCalls.class, ToolCallParser.detect(new ChatTemplate(llama32Pythonic, "", "")));
    assertNull(ToolCallParser.named("none"));
    assertThrows(IllegalArgumentException.class, () -> ToolCallParser.named("pythonicish"));
  }
}
