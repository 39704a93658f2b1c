-- The registry's history: one row per change, written in the transaction of the change.
CREATE TABLE registry_events (
  -- 1, 2, 3, ... in commit order: taken from registry_revision, whose row lock is held until
  -- the change commits, so no revision can become visible before a smaller one.
  revision BIGINT PRIMARY KEY,
  kind VARCHAR(32) NOT NULL,
  model VARCHAR(128) NOT NULL,
  -- 0 when the event concerns no version.
  version BIGINT NOT NULL,
  -- Empty when the event concerns no alias.
  alias VARCHAR(128) NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX registry_events_by_model ON registry_events (model, revision);

-- One row: the last revision handed out.
CREATE TABLE registry_revision (
  id INT PRIMARY KEY,
  revision BIGINT NOT NULL
);

INSERT INTO registry_revision (id, revision) VALUES (1, 0);
