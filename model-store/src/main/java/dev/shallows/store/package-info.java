/**
 * Checkpoints, tokenizers, llama2.c import and variant manifests: everything about models at rest.
 */
package dev.shallows.store;
