package io.mlmesh.featurestore.online;

/** Where one entity's values of one view version live in the online store. */
public record OnlineKey(String view, int version, String entity) {
}
