package io.mlmesh.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.regex.Pattern;

/**
 * The mlmesh chart rendered by Helm's own template engine (helm-java, in process, no cluster)
 * and parsed object by object into the fabric8 Kubernetes model, so that tests read typed
 * objects instead of YAML text. Kinds the model does not know (ServiceMonitor) come back as
 * generic resources.
 */
record RenderedChart(String yaml, List<HasMetadata> objects) {

    static final String RELEASE = "mlmesh";

    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    /** The chart folder, set by the build (helm/mlmesh). */
    static Path chartDir() {
        return Path.of(System.getProperty("mlmesh.chart", "mlmesh")).toAbsolutePath();
    }

    /**
     * Renders the chart with the given value files (under src/test/resources/values) applied in
     * order over values.yaml, then {@code --set} pairs.
     *
     * @throws IllegalStateException with Helm's message when rendering or the schema fails
     */
    static RenderedChart render(List<String> valueFiles, Map<String, Object> setValues) {
        TemplateCommand command = new Helm(chartDir()).template().withName(RELEASE)
                .withNamespace("ml");
        for (String valueFile : valueFiles) {
            command = command.withValuesFile(valuesFile(valueFile));
        }
        for (Map.Entry<String, Object> entry : setValues.entrySet()) {
            command = command.set(entry.getKey(), entry.getValue());
        }

        String yaml = command.call();
        return new RenderedChart(yaml, parse(yaml));
    }

    static RenderedChart render(String... valueFiles) {
        return render(List.of(valueFiles), Map.of());
    }

    static Path valuesFile(String name) {
        return chartDir().resolve("../src/test/resources/values").resolve(name).normalize();
    }

    private static List<HasMetadata> parse(String yaml) {
        List<HasMetadata> objects = new ArrayList<>();
        for (String document : DOCUMENT_SEPARATOR.split(yaml)) {
            if (document.lines().allMatch(line -> line.isBlank() || line.startsWith("#"))) {
                continue;
            }
            objects.add(SERIALIZATION.unmarshal(document, HasMetadata.class));
        }
        return objects;
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    List<HasMetadata> ofKind(String kind) {
        return objects.stream().filter(object -> object.getKind().equals(kind)).toList();
    }

    <T extends HasMetadata> T named(Class<T> type, String component) {
        String name = RELEASE + "-" + component;
        return all(type).stream().filter(object -> object.getMetadata().getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new NoSuchElementException(type.getSimpleName() + " " + name));
    }

    /** The settings a service reads from its ConfigMap. */
    Map<String, String> settings(String component) {
        return named(ConfigMap.class, component).getData();
    }

    /** Every pod spec: the Deployments' and the StatefulSets'. */
    List<PodSpec> podSpecs() {
        List<PodSpec> specs = new ArrayList<>();
        all(Deployment.class).forEach(d -> specs.add(d.getSpec().getTemplate().getSpec()));
        all(StatefulSet.class).forEach(s -> specs.add(s.getSpec().getTemplate().getSpec()));
        return specs;
    }

    List<Container> containers() {
        return podSpecs().stream().flatMap(spec -> spec.getContainers().stream()).toList();
    }

    static Container container(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    }
}
