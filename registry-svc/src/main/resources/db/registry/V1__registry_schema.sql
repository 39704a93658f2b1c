-- Models, their numbered versions and aliases. Portable between H2 and PostgreSQL.
CREATE TABLE models (
  name VARCHAR(128) PRIMARY KEY,
  description VARCHAR NOT NULL,
  tags_json VARCHAR NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  -- Highest version number; the row is locked while the next one is assigned.
  latest_version BIGINT NOT NULL
);

CREATE TABLE model_versions (
  model VARCHAR(128) NOT NULL REFERENCES models (name),
  version BIGINT NOT NULL,
  artifact_sha256 CHAR(64) NOT NULL,
  artifact_size_bytes BIGINT NOT NULL,
  artifact_format VARCHAR NOT NULL,
  -- Params, metrics, tags, description and lineage as one JSON document.
  metadata_json VARCHAR NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (model, version)
);

CREATE TABLE aliases (
  model VARCHAR(128) NOT NULL,
  alias VARCHAR(128) NOT NULL,
  version BIGINT NOT NULL,
  PRIMARY KEY (model, alias),
  FOREIGN KEY (model, version) REFERENCES model_versions (model, version)
);
