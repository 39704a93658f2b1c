package io.mlmesh.registry.events;

/** What a registry change did; stored by name in the event log. */
public enum EventKind {
  MODEL_CREATED,
  VERSION_CREATED,
  VERSION_DELETED,
  ALIAS_SET,
  ALIAS_DELETED,
  MODEL_DELETED,
  MODEL_UPDATED,
  VERSION_UPDATED
}
