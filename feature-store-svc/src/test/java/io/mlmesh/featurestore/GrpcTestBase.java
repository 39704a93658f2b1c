package io.mlmesh.featurestore;

import io.mlmesh.featurestore.v1.ApplyFeatureViewRequest;
import io.mlmesh.featurestore.v1.FeatureView;
import io.mlmesh.featurestore.v1.FeatureViewSpec;
import io.quarkus.test.common.http.TestHTTPResource;
import java.net.URL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A gRPC client of the Quarkus test instance, opened before and closed after each test. */
public abstract class GrpcTestBase {

  @TestHTTPResource("/")
  URL url;

  protected GrpcTestClient client;

  @BeforeEach
  void connect() {
    client = new GrpcTestClient(url);
  }

  @AfterEach
  void disconnect() throws InterruptedException {
    client.close();
  }

  protected FeatureView apply(FeatureViewSpec spec) {
    return client.stub().applyFeatureView(ApplyFeatureViewRequest.newBuilder()
        .setSpec(spec).build());
  }
}
