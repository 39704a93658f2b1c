package io.mlmesh.inference.routing;

import io.mlmesh.inference.InferenceException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What an endpoint is: the variants that answer its traffic by weight, the shadows that get a
 * copy of it, and an optional canary policy. Validated on construction, with messages that
 * name the field as the {@code Endpoint} message spells it ({@code variants[1].weight}).
 * Whether the named versions are loaded is checked by {@link EndpointRouter#set}.
 *
 * @param name what clients put in {@code PredictRequest.model} or {@code model_name}
 * @param variants at least one; names unique across variants and shadows
 * @param shadows may be empty
 * @param canary null when the endpoint has no canary
 */
public record EndpointDefinition(String name, List<Variant> variants, List<Shadow> shadows,
        CanaryPolicy canary) {

    /** The largest weight a variant may have; keeps the sum far from overflow. */
    public static final long MAX_WEIGHT = 1_000_000;

    /** The longest canary window. */
    public static final long MAX_WINDOW_SECONDS = 3600;

    /** A model version that answers a share of the traffic. */
    public record Variant(String name, ModelTarget target, long weight) {
    }

    /** A model version that gets a copy of {@code sampleRate} of the requests. */
    public record Shadow(String name, ModelTarget target, double sampleRate) {
    }

    /**
     * When the canary variant's calls over the window pass a limit, its traffic returns to the
     * stable variant.
     *
     * @param maxErrorRate rolls back when the window's error rate is above it
     * @param maxP99Millis rolls back when the window's p99 is above it; 0: not checked
     */
    public record CanaryPolicy(String variant, double maxErrorRate, long maxP99Millis,
            long windowSeconds, long minCalls) {
    }

    public EndpointDefinition {
        if (name.isBlank()) {
            throw InferenceException.invalid("endpoint.name is empty");
        }
        variants = List.copyOf(variants);
        shadows = List.copyOf(shadows);
        checkVariants(name, variants);
        checkShadows(name, shadows);
        checkUniqueNames(name, variants, shadows);
        if (canary != null) {
            checkCanary(name, variants, canary);
        }
    }

    /** The index of the variant named {@code variantName}, or -1. */
    public int indexOf(String variantName) {
        for (int i = 0; i < variants.size(); i++) {
            if (variants.get(i).name().equals(variantName)) {
                return i;
            }
        }
        return -1;
    }

    private static void checkVariants(String name, List<Variant> variants) {
        if (variants.isEmpty()) {
            throw InferenceException.invalid("endpoint '" + name + "' has no variants");
        }

        long total = 0;
        for (int i = 0; i < variants.size(); i++) {
            Variant variant = variants.get(i);
            String field = "variants[" + i + "]";
            checkTarget(field, variant.name(), variant.target());
            if (variant.weight() < 0 || variant.weight() > MAX_WEIGHT) {
                throw InferenceException.invalid(field + ".weight must be 0 to " + MAX_WEIGHT
                        + ", got " + variant.weight());
            }
            total += variant.weight();
        }
        if (total == 0) {
            throw InferenceException.invalid("endpoint '" + name
                    + "': variant weights are all zero; at least one must be positive");
        }
    }

    private static void checkShadows(String name, List<Shadow> shadows) {
        for (int i = 0; i < shadows.size(); i++) {
            Shadow shadow = shadows.get(i);
            String field = "shadows[" + i + "]";
            checkTarget(field, shadow.name(), shadow.target());
            if (!(shadow.sampleRate() >= 0 && shadow.sampleRate() <= 1)) {
                throw InferenceException.invalid(field + ".sample_rate must be 0 to 1, got "
                        + shadow.sampleRate());
            }
        }
    }

    private static void checkTarget(String field, String variantName, ModelTarget target) {
        if (variantName.isBlank()) {
            throw InferenceException.invalid(field + ".name is empty");
        }
        if (target.model().isBlank()) {
            throw InferenceException.invalid(field + ".model is empty");
        }
        if (target.version() < 0) {
            throw InferenceException.invalid(field + ".version must be positive (or unset for "
                    + "the default), got " + target.version());
        }
    }

    private static void checkUniqueNames(String name, List<Variant> variants,
            List<Shadow> shadows) {
        Set<String> seen = new HashSet<>();
        variants.forEach(variant -> requireNew(name, seen, variant.name()));
        shadows.forEach(shadow -> requireNew(name, seen, shadow.name()));
    }

    private static void requireNew(String endpoint, Set<String> seen, String variantName) {
        if (!seen.add(variantName)) {
            throw InferenceException.invalid("endpoint '" + endpoint
                    + "' has two variants or shadows named '" + variantName + "'");
        }
    }

    private static void checkCanary(String name, List<Variant> variants, CanaryPolicy canary) {
        if (variants.stream().noneMatch(variant -> variant.name().equals(canary.variant()))) {
            throw InferenceException.invalid("canary.variant '" + canary.variant()
                    + "' is not a variant of endpoint '" + name + "'");
        }
        if (variants.size() < 2) {
            throw InferenceException.invalid("canary needs a stable variant: endpoint '" + name
                    + "' has only the canary");
        }
        if (!(canary.maxErrorRate() >= 0 && canary.maxErrorRate() <= 1)) {
            throw InferenceException.invalid("canary.max_error_rate must be 0 to 1, got "
                    + canary.maxErrorRate());
        }
        if (canary.maxP99Millis() < 0) {
            throw InferenceException.invalid("canary.max_p99_millis must be 0 (not checked) or "
                    + "positive, got " + canary.maxP99Millis());
        }
        if (canary.windowSeconds() < 1 || canary.windowSeconds() > MAX_WINDOW_SECONDS) {
            throw InferenceException.invalid("canary.window_seconds must be 1 to "
                    + MAX_WINDOW_SECONDS + ", got " + canary.windowSeconds());
        }
        if (canary.minCalls() < 1) {
            throw InferenceException.invalid("canary.min_calls must be at least 1, got "
                    + canary.minCalls());
        }
    }
}
