package io.mlmesh.featurestore.online;

class InProcessOnlineStoreTest extends OnlineStoreContract {

  @Override
  OnlineStore openStore() {
    return new InProcessOnlineStore();
  }

  @Override
  void cleanUp() {
    // Nothing outlives the process.
  }
}
