package io.mlmesh.inference.model;

/** The kind of value a request field must hold for the transform that reads it. */
public enum FieldKind {
    NUMBER("number"),
    TEXT("text"),
    TIME("timestamp");

    private final String label;

    FieldKind(String label) {
        this.label = label;
    }

    /** The kind's name in error messages. */
    public String label() {
        return label;
    }
}
