package dev.shallows.server.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * A snapshot of a job as the API shows it.
 *
 * @param id job id
 * @param kind prune, heal, eval
 * @param state queued, running, succeeded, failed, cancelled
 * @param stage what the job is doing now (e.g. "analysis", "heal", "eval pruned-1")
 * @param progress fraction done in [0, 1]
 * @param metrics latest numbers reported (e.g. loss, step)
 * @param etaSeconds estimated seconds left, from the progress rate so far
 * @param result the result once succeeded
 * @param error the failure message once failed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobView(
    String id,
    String kind,
    String state,
    String stage,
    double progress,
    Map<String, Double> metrics,
    @JsonProperty("created_at") long createdAt,
    @JsonProperty("started_at") Long startedAt,
    @JsonProperty("finished_at") Long finishedAt,
    @JsonProperty("eta_seconds") Double etaSeconds,
    Object result,
    String error) {}
