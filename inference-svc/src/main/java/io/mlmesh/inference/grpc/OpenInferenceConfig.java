package io.mlmesh.inference.grpc;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code mlmesh.inference.oip.*}: settings of the Open Inference Protocol service. */
@ConfigMapping(prefix = "mlmesh.inference.oip")
public interface OpenInferenceConfig {

    /**
     * The most requests one ModelStreamInfer stream may have received and not yet answered.
     * The service asks the transport for one more request per response written, so a client
     * that reads slowly stops being read from instead of filling memory with answers.
     */
    @WithDefault("16")
    int streamMaxInFlight();
}
