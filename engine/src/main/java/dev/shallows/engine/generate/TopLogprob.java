package dev.shallows.engine.generate;

/**
 * One alternative at a position: a token id and its log-probability under the model's raw
 * distribution (log-softmax of the logits, before temperature, penalties or filtering).
 */
public record TopLogprob(int tokenId, double logprob) {}
