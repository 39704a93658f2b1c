package io.mlmesh.helm;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code helm lint --strict} of the chart, through Helm's own linter (helm-java). */
class ChartLintTest {

    @Test
    void lint_strict_passesWithoutErrorsOrWarnings() {
        LintResult result = new Helm(RenderedChart.chartDir()).lint().strict().call();

        List<String> messages = result.getMessages();
        assertFalse(result.isFailed(), String.join("\n", messages));
        assertTrue(messages.stream().noneMatch(m -> m.contains("[ERROR]")
                || m.contains("[WARNING]")), String.join("\n", messages));
    }
}
