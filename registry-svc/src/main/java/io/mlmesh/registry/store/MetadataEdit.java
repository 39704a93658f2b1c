package io.mlmesh.registry.store;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A change to the description and tags of a model or a version, validated when it is made.
 *
 * <p>Keys are checked only here, not at creation: models and versions created before edits
 * existed may carry any key, and an edit must still be able to remove it. That is why keys to
 * remove are checked only for emptiness, while keys to set follow {@link #VALID_TAG_KEY}.
 *
 * @param description the new description; empty: unchanged
 * @param setTags tags to add or overwrite
 * @param removeTagKeys keys of tags to remove; a key that is absent is ignored
 */
public record MetadataEdit(Optional<String> description, Map<String, String> setTags,
    Set<String> removeTagKeys) {

  /** Longest accepted tag key, in characters. */
  public static final int MAX_TAG_KEY_LENGTH = 250;
  /** Longest accepted tag value, in characters. */
  public static final int MAX_TAG_VALUE_LENGTH = 5000;

  private static final Pattern VALID_TAG_KEY =
      Pattern.compile("[A-Za-z0-9_./:-]{1," + MAX_TAG_KEY_LENGTH + "}");

  public MetadataEdit {
    setTags = Map.copyOf(setTags);
    removeTagKeys = Set.copyOf(removeTagKeys);
  }

  /**
   * A validated edit from request fields.
   *
   * @throws RegistryException INVALID_ARGUMENT naming the field when a key or value is
   *     malformed, a key is both set and removed, or the edit changes nothing
   */
  public static MetadataEdit of(Optional<String> description, Map<String, String> setTags,
      List<String> removeTagKeys) {
    if (description.isEmpty() && setTags.isEmpty() && removeTagKeys.isEmpty()) {
      throw RegistryException.invalid(
          "description, set_tags, remove_tag_keys: the request changes nothing");
    }
    setTags.forEach(MetadataEdit::requireValidTag);

    Set<String> removed = new LinkedHashSet<>();
    for (int i = 0; i < removeTagKeys.size(); i++) {
      removed.add(requireRemovable(i, removeTagKeys.get(i), setTags));
    }
    return new MetadataEdit(description, setTags, removed);
  }

  /** {@code tags} with this edit applied. */
  public Map<String, String> applyTo(Map<String, String> tags) {
    Map<String, String> edited = new TreeMap<>(tags);
    edited.keySet().removeAll(removeTagKeys);
    edited.putAll(setTags);
    return edited;
  }

  /** The description after this edit, given the one stored now. */
  public String descriptionAfter(String current) {
    return description.orElse(current);
  }

  private static void requireValidTag(String key, String value) {
    if (!VALID_TAG_KEY.matcher(key).matches()) {
      throw RegistryException.invalid(String.format(
          "set_tags: key '%s' is not a valid tag key (1 to %d of letters, digits, '_', '-',"
              + " '.', '/' and ':')", key, MAX_TAG_KEY_LENGTH));
    }
    if (value.length() > MAX_TAG_VALUE_LENGTH) {
      throw RegistryException.invalid(String.format(
          "set_tags['%s']: value has %d characters, at most %d allowed",
          key, value.length(), MAX_TAG_VALUE_LENGTH));
    }
  }

  private static String requireRemovable(int index, String key, Map<String, String> setTags) {
    if (key.isEmpty()) {
      throw RegistryException.invalid("remove_tag_keys[" + index + "]: must not be empty");
    }
    if (setTags.containsKey(key)) {
      throw RegistryException.invalid(String.format(
          "remove_tag_keys[%d]: '%s' is also in set_tags; set or remove a key, not both",
          index, key));
    }
    return key;
  }
}
