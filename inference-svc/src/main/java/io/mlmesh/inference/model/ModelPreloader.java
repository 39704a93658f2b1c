package io.mlmesh.inference.model;

import io.mlmesh.inference.InferenceException;
import io.mlmesh.inference.config.InferenceConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Loads the models named in {@code mlmesh.inference.preload} at start-up. A model that cannot
 * be loaded (registry down, unknown alias, corrupt artifact) is logged at WARN and skipped,
 * without retry: the service starts and serves what it has, and LoadModel can load it later.
 */
@ApplicationScoped
public class ModelPreloader {

    private static final Logger LOG = Logger.getLogger(ModelPreloader.class);

    private final ModelLoader loader;
    private final List<String> entries;

    @Inject
    public ModelPreloader(ModelLoader loader, InferenceConfig config) {
        this(loader, config.preload().orElse(List.of()));
    }

    ModelPreloader(ModelLoader loader, List<String> entries) {
        this.loader = loader;
        this.entries = List.copyOf(entries);
    }

    void onStart(@Observes StartupEvent event) {
        preload();
    }

    /** Loads every entry it can; returns how many loaded. */
    int preload() {
        int loaded = 0;
        for (String entry : entries) {
            if (!entry.isBlank() && tryLoad(entry.strip())) {
                loaded++;
            }
        }
        return loaded;
    }

    private boolean tryLoad(String entry) {
        try {
            int at = entry.indexOf('@');
            String model = at < 0 ? entry : entry.substring(0, at);
            loader.load(model, at < 0 ? ModelSelector.newest() : selectorOf(entry, at));
            return true;
        } catch (InferenceException | IllegalArgumentException e) {
            LOG.warnf("preload skipped entry=%s reason=%s", entry, e.getMessage());
            return false;
        }
    }

    private static ModelSelector selectorOf(String entry, int at) {
        String choice = entry.substring(at + 1);
        if (!choice.isEmpty() && choice.chars().allMatch(Character::isDigit)) {
            return ModelSelector.ofVersion(Long.parseLong(choice));
        }
        return ModelSelector.ofAlias(choice);
    }
}
