package dev.shallows.server.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every server setting, under the prefix {@code shallows} (environment: upper-case with
 * underscores, e.g. {@code SHALLOWS_ADMIN_API_KEY}). The HTTP port is Quarkus' own ({@code
 * quarkus.http.port}, env {@code QUARKUS_HTTP_PORT}). Each key is listed in the README.
 */
@ConfigMapping(prefix = "shallows")
public interface ShallowsConfig {

  /** The served model. */
  Model model();

  /** Continuous batching and queueing. */
  Batching batching();

  /** Request limits enforced before the engine. */
  Limits limits();

  /** A/B routing between variants. */
  Routing routing();

  /** Admin API. */
  Admin admin();

  /** The OpenAI-compatible API. */
  Api api();

  /** The pruning/healing pipeline run at startup. */
  Startup startup();

  /** Evaluations over HTTP. */
  Evals evals();

  /** The served model and where its variants live. */
  interface Model {
    /**
     * Model directory (HF layout: config.json, model.safetensors, tokenizer.json). {@code builtin}
     * = the built-in model, the directory under {@code model-store/models/} that has a config.json.
     */
    @WithDefault("builtin")
    String dir();

    /** The id clients send as {@code model}; {@code auto} = the model directory's name. */
    @WithDefault("auto")
    String name();

    /** Where variants persist with their manifests; {@code auto} = {@code <model dir>/variants}. */
    @WithName("variants-dir")
    @WithDefault("auto")
    String variantsDir();

    /** Variants to load at startup besides {@code full}; {@code all} = every persisted variant. */
    @WithDefault("all")
    List<String> load();

    /**
     * A Jinja chat template file that replaces the model's own ({@code chat_template} of
     * tokenizer_config.json), as vLLM's {@code --chat-template}; unset = the model's, or the
     * documented default transcript.
     */
    @WithName("chat-template")
    Optional<String> chatTemplate();

    /**
     * How {@code tool_choice: "auto"} reads tool calls out of the model's text: {@code hermes}
     * (Qwen2.5, Qwen3, Hermes), {@code llama3_json} (Llama 3.1-3.3), {@code mistral}, {@code
     * pythonic} (Llama 3.2, Llama 4), {@code none}, or {@code auto} = the format the model's chat
     * template shows (none without a template).
     */
    @WithName("tool-call-parser")
    @WithDefault("auto")
    String toolCallParser();

    /**
     * How replies are split into {@code reasoning_content} and content: {@code think} (the text
     * between {@code <think>} and {@code </think>}: DeepSeek-R1 distills, Qwen3), {@code none}, or
     * {@code auto} = {@code think} when the chat template writes {@code </think>}.
     */
    @WithName("reasoning-parser")
    @WithDefault("auto")
    String reasoningParser();
  }

  /** Continuous batching: one scheduler thread per variant steps all of its active sequences. */
  interface Batching {
    /** Most sequences decoded together in one step per variant. */
    @WithName("max-batch-size")
    @WithDefault("8")
    int maxBatchSize();

    /** Requests waiting beyond the active batch, per variant; beyond it requests get 429. */
    @WithName("queue-size")
    @WithDefault("64")
    int queueSize();

    /**
     * Prompt tokens prefilled per variant between two decode steps; longer prompts are prefilled in
     * chunks over several steps, so a long prompt joining the batch stalls the running streams for
     * at most one chunk.
     */
    @WithName("prefill-chunk-tokens")
    @WithDefault("256")
    int prefillChunkTokens();

    /**
     * MiB of KV cache per variant kept from finished requests for later prompts that start the same
     * way (a chat's next turn, a repeated system prompt); 0 turns the prompt cache off.
     */
    @WithName("prompt-cache-mb")
    @WithDefault("256")
    long promptCacheMb();

    /** Seconds sent in {@code Retry-After} with a 429. */
    @WithName("retry-after-seconds")
    @WithDefault("1")
    int retryAfterSeconds();
  }

  /** Limits checked before a request reaches the engine. */
  interface Limits {
    /** {@code max_tokens} used when a request gives none. */
    @WithName("default-max-tokens")
    @WithDefault("128")
    int defaultMaxTokens();

    /** Largest accepted {@code max_tokens} (the context length also bounds it). */
    @WithName("max-tokens")
    @WithDefault("4096")
    int maxTokens();

    /** Largest accepted {@code n} (choices per request). */
    @WithName("max-n")
    @WithDefault("8")
    int maxN();

    /** Largest number of prompts in one completions request. */
    @WithName("max-prompts")
    @WithDefault("16")
    int maxPrompts();

    /** Largest number of inputs in one embeddings request. */
    @WithName("max-embedding-inputs")
    @WithDefault("256")
    int maxEmbeddingInputs();

    /** Largest accepted {@code logprobs} / {@code top_logprobs}. */
    @WithName("max-logprobs")
    @WithDefault("20")
    int maxLogprobs();

    /** Largest number of {@code stop} sequences. */
    @WithName("max-stop")
    @WithDefault("4")
    int maxStop();
  }

  /** How requests for the model name are split between variants. */
  interface Routing {
    /**
     * Split as {@code variant=weight,...} (weights need not sum to 100), e.g. {@code
     * full=90,pruned-1=10}. Changed at runtime with {@code PUT /admin/routing}.
     */
    @WithDefault("full=100")
    String split();

    /** Header that makes routing sticky when the request has no {@code user}. */
    @WithName("session-header")
    @WithDefault("X-Session-Id")
    String sessionHeader();

    /** Variant that also runs every routed request in shadow mode (answer discarded), if set. */
    Optional<String> shadow();
  }

  /** Admin endpoints ({@code /admin/*}): refused entirely while no key is configured. */
  interface Admin {
    /** Bearer token for {@code /admin/*} (env {@code SHALLOWS_ADMIN_API_KEY}). */
    @WithName("api-key")
    Optional<String> apiKey();
  }

  /** The OpenAI-compatible endpoints. */
  interface Api {
    /** Optional bearer token for {@code /v1/*}; unset = open. */
    @WithName("api-key")
    Optional<String> apiKey();

    /**
     * Responses API objects kept in memory for {@code previous_response_id} and {@code GET
     * /v1/responses/{id}}, least recently used out first.
     */
    @WithName("stored-responses")
    @WithDefault("1000")
    int storedResponses();
  }

  /** What the server prunes/heals at startup before it reports ready. */
  interface Startup {
    /** Prune at startup (skipped when the variant already exists in the variants dir). */
    @WithName("prune")
    @WithDefault("false")
    boolean prune();

    /** Pruning strategy: angular, last or block-influence. */
    @WithDefault("angular")
    String strategy();

    /** Layers to drop at startup. */
    @WithDefault("1")
    int n();

    /** Calibration text file for the angular strategy; unset = the pruning library's default. */
    @WithName("calibration-data")
    Optional<String> calibrationData();

    /** Heal the startup-pruned variant with LoRA. */
    @WithDefault("false")
    boolean heal();

    /** LoRA steps when healing at startup. */
    @WithName("heal-steps")
    @WithDefault("50")
    int healSteps();
  }

  /** Evaluations over HTTP. */
  interface Evals {
    /** Directories under which dataset files named by a request may lie; empty = none. */
    @WithName("allowed-dirs")
    Optional<List<String>> allowedDirs();

    /** Most finished jobs kept in memory. */
    @WithName("keep-jobs")
    @WithDefault("100")
    int keepJobs();

    /** How long a finished job stays visible. */
    @WithName("job-ttl")
    @WithDefault("PT1H")
    Duration jobTtl();
  }
}
