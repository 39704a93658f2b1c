package io.mlmesh.training.job;

import io.mlmesh.training.v1.ParamSearchSpace;
import io.mlmesh.training.v1.SearchKind;
import io.mlmesh.training.v1.TuningSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The trials of a search: the parameter values each one tries, in trial order. A grid lists
 * every combination (the last parameter varying fastest) up to the trial budget; a random
 * search draws each trial's values with the spec's seed, so the same spec gives the same trials.
 */
public final class ParamSearch {

    /** Random trials when the spec gives no budget. */
    public static final int DEFAULT_RANDOM_TRIALS = 10;

    private ParamSearch() {
    }

    /** The trials' parameter values, each map in space order. */
    public static List<Map<String, String>> trials(TuningSpec tuning) {
        return tuning.getSearch() == SearchKind.SEARCH_KIND_GRID ? grid(tuning)
                : random(tuning);
    }

    /** The number of grid combinations; for a random search, its trial count. */
    public static long spaceSize(TuningSpec tuning) {
        if (tuning.getSearch() != SearchKind.SEARCH_KIND_GRID) {
            return tuning.getMaxTrials() > 0 ? tuning.getMaxTrials() : DEFAULT_RANDOM_TRIALS;
        }
        long combinations = 1;
        for (ParamSearchSpace param : tuning.getSpaceList()) {
            combinations *= param.getValuesCount();
        }
        return combinations;
    }

    private static List<Map<String, String>> grid(TuningSpec tuning) {
        List<ParamSearchSpace> space = tuning.getSpaceList();
        long combinations = spaceSize(tuning);
        long limit = tuning.getMaxTrials() > 0 ? Math.min(combinations, tuning.getMaxTrials())
                : combinations;
        List<Map<String, String>> trials = new ArrayList<>();
        for (long index = 0; index < limit; index++) {
            Map<String, String> values = new LinkedHashMap<>();
            long rest = index;
            for (int i = space.size() - 1; i >= 0; i--) {
                ParamSearchSpace param = space.get(i);
                values.put(param.getName(), param.getValues((int) (rest % param.getValuesCount())));
                rest /= param.getValuesCount();
            }
            trials.add(inSpaceOrder(space, values));
        }
        return trials;
    }

    private static List<Map<String, String>> random(TuningSpec tuning) {
        long count = spaceSize(tuning);
        Random random = new Random(tuning.getSeed());
        List<Map<String, String>> trials = new ArrayList<>();
        for (int trial = 0; trial < count; trial++) {
            Map<String, String> values = new LinkedHashMap<>();
            for (ParamSearchSpace param : tuning.getSpaceList()) {
                values.put(param.getName(), draw(param, random));
            }
            trials.add(values);
        }
        return trials;
    }

    private static String draw(ParamSearchSpace param, Random random) {
        if (param.getValuesCount() > 0) {
            return param.getValues(random.nextInt(param.getValuesCount()));
        }
        double unit = random.nextDouble();
        double value = param.getLogScale()
                ? Math.exp(Math.log(param.getMin())
                        + unit * (Math.log(param.getMax()) - Math.log(param.getMin())))
                : param.getMin() + unit * (param.getMax() - param.getMin());
        return param.getInteger() ? Long.toString(Math.round(value)) : Double.toString(value);
    }

    private static Map<String, String> inSpaceOrder(List<ParamSearchSpace> space,
            Map<String, String> values) {
        Map<String, String> ordered = new LinkedHashMap<>();
        space.forEach(param -> ordered.put(param.getName(), values.get(param.getName())));
        return ordered;
    }
}
