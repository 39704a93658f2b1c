package io.mlmesh.core.mlp;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The one way mlmesh reaches DJL's PyTorch engine: offline, with a chosen cache folder, on a
 * device picked by configuration and detection.
 *
 * <p>DJL downloads libtorch when no native jar is on the class path and, even with one, calls a
 * cloud metadata address when its engine loads, unless {@code ai.djl.offline} is set. Both
 * properties are set here before {@link Engine} is first touched (this class's initializer
 * touches no DJL class), and a value already given ({@code -Dai.djl.offline}, the environment)
 * is kept. libtorch comes from the {@code pytorch-native-cpu} jar and is unpacked, once, into
 * the cache folder: {@code DJL_CACHE_DIR} (property or environment), by default
 * {@code ~/.djl.ai}; about 430 MB.
 */
public final class DjlRuntime {

    /** The DJL engine mlmesh runs the MLP on. */
    public static final String ENGINE_NAME = "PyTorch";

    private static final String OFFLINE_PROPERTY = "ai.djl.offline";
    private static final String CACHE_DIR_PROPERTY = "DJL_CACHE_DIR";

    static {
        keepOffline();
    }

    private DjlRuntime() {
    }

    /** Where the MLP runs: {@code auto} takes the first GPU when the engine sees one. */
    public enum DeviceSetting {
        AUTO, CPU, GPU;

        /**
         * The setting named by {@code text}, in any case.
         *
         * @throws IllegalArgumentException naming the accepted values
         */
        public static DeviceSetting parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("device must be auto, cpu or gpu, got '"
                        + text + "'", e);
            }
        }
    }

    /**
     * The PyTorch engine, loaded offline.
     *
     * @param cacheDir where libtorch is unpacked; empty keeps DJL's choice
     *     ({@code DJL_CACHE_DIR}, else {@code ~/.djl.ai}); a {@code DJL_CACHE_DIR} environment
     *     variable wins, since DJL reads it before the property
     */
    public static synchronized Engine pytorch(Optional<Path> cacheDir) {
        keepOffline();
        cacheDir.filter(dir -> System.getenv(CACHE_DIR_PROPERTY) == null)
                .ifPresent(dir -> System.setProperty(CACHE_DIR_PROPERTY, dir.toString()));
        return Engine.getEngine(ENGINE_NAME);
    }

    /**
     * The PyTorch engine, loaded offline, and the device a setting picks on it.
     *
     * @param cacheDir where libtorch is unpacked; empty keeps DJL's choice
     * @throws IllegalStateException when {@code gpu} is asked for and there is none
     */
    public static Placement place(DeviceSetting setting, Optional<Path> cacheDir) {
        Engine engine = pytorch(cacheDir);
        return new Placement(engine, device(engine, setting), setting);
    }

    /**
     * An engine and the device work runs on.
     *
     * @param setting what the configuration asked for
     */
    public record Placement(Engine engine, Device device, DeviceSetting setting) {

        /** For the log line of the choice: engine, version, setting, GPUs seen, device. */
        public String describe() {
            return "engine=" + engine.getEngineName() + " version=" + engine.getVersion()
                    + " setting=" + setting.name().toLowerCase(Locale.ROOT) + " gpus="
                    + engine.getGpuCount() + " device=" + device;
        }
    }

    /**
     * The device a setting picks on this engine: the CPU, or the first GPU when the setting is
     * {@code gpu}, or {@code auto} and the engine counts at least one.
     *
     * @throws IllegalStateException when {@code gpu} is asked for and there is none
     */
    public static Device device(Engine engine, DeviceSetting setting) {
        int gpus = engine.getGpuCount();
        return switch (setting) {
            case CPU -> Device.cpu();
            case AUTO -> gpus > 0 ? Device.gpu() : Device.cpu();
            case GPU -> {
                if (gpus == 0) {
                    throw new IllegalStateException("device gpu was asked for but the "
                            + ENGINE_NAME + " engine sees no GPU");
                }
                yield Device.gpu();
            }
        };
    }

    private static void keepOffline() {
        if (System.getProperty(OFFLINE_PROPERTY) == null) {
            System.setProperty(OFFLINE_PROPERTY, "true");
        }
    }
}
