package io.clustr;

/**
 * What a node knows of a member from its Join.
 */
record MemberInfo(
    long id,
    long parentId,
    long pid,
    int restarts,
    int pinnedCpu,
    long startTimeMs,
    String group,
    String name,
    String cpus)
{
}
