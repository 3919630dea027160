package io.clustr;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Where a message goes: {@link #PUBLIC} (every node), {@link #group(String)} (every worker of a group),
 * {@link #worker(long)} (one node by id, the master being {@code 0}) or {@link #CONFIRMATION} (counted by the
 * master).
 * <p>
 * Channels are immutable values: create one once and publish to it many times.
 */
public final class Channel
{
    /**
     * The kinds of channel. Their order is part of the per-stream counters' type ids
     * ({@link ClustrCounters#streamTypeId}): new kinds go last.
     */
    public enum Kind
    {
        /**
         * Every node of the cluster, master included.
         */
        PUBLIC,

        /**
         * Every worker of one group.
         */
        GROUP,

        /**
         * One node, by id.
         */
        PRIVATE,

        /**
         * The master's confirmation counters.
         */
        CONFIRMATION
    }

    /**
     * The public stream: every node of the cluster receives what is published here, the sender included.
     */
    public static final Channel PUBLIC = new Channel(Kind.PUBLIC, null, -1);

    /**
     * The confirmation stream: payloads are confirmation ids (UTF-8 text) counted by the master's
     * {@code onConfirmation} registrations. {@link Node#confirm(String)} is the usual way to publish here.
     */
    public static final Channel CONFIRMATION = new Channel(Kind.CONFIRMATION, null, -1);

    /**
     * Longest group name, in ASCII characters.
     */
    public static final int MAX_GROUP_NAME_LENGTH = 100;

    private final Kind kind;
    private final String groupName;
    private final byte[] groupNameBytes;
    private final long workerId;

    private Channel(final Kind kind, final String groupName, final long workerId)
    {
        this.kind = kind;
        this.groupName = groupName;
        this.groupNameBytes = null == groupName ? null : groupName.getBytes(StandardCharsets.US_ASCII);
        this.workerId = workerId;
    }

    /**
     * The stream of a group: every worker created with {@code Options.group(name)} receives what is published here.
     *
     * @param name of the group: 1 to {@value #MAX_GROUP_NAME_LENGTH} ASCII letters, digits or {@code . _ - :}.
     * @return the channel of the group.
     * @throws IllegalArgumentException if the name is null, blank or has other characters.
     */
    public static Channel group(final String name)
    {
        return new Channel(Kind.GROUP, validateGroupName(name), -1);
    }

    /**
     * The private stream of one node: only the node with this id receives what is published here.
     *
     * @param id of the worker, or {@code 0} for the master.
     * @return the channel of that node.
     * @throws IllegalArgumentException if the id is negative or too large to be a worker id.
     */
    public static Channel worker(final long id)
    {
        if (id < 0 || id > Configuration.MAX_WORKER_ID)
        {
            throw new IllegalArgumentException(
                "worker id " + id + " is not valid: ids are 0 (the master) to " + Configuration.MAX_WORKER_ID);
        }

        return new Channel(Kind.PRIVATE, null, id);
    }

    /**
     * Check a group name.
     *
     * @param name to check.
     * @return the name.
     * @throws IllegalArgumentException naming what is wrong with it.
     */
    public static String validateGroupName(final String name)
    {
        if (null == name)
        {
            throw new IllegalArgumentException("group name must not be null: give the worker a group, e.g. " +
                "Worker.create(Options.group(\"web\"))");
        }
        if (name.isBlank())
        {
            throw new IllegalArgumentException("group name must not be blank: give the worker a group, e.g. " +
                "Worker.create(Options.group(\"web\"))");
        }
        if (name.length() > MAX_GROUP_NAME_LENGTH)
        {
            throw new IllegalArgumentException("group name is " + name.length() + " characters long: the most is " +
                MAX_GROUP_NAME_LENGTH);
        }
        for (int i = 0; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            final boolean valid = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '_' || c == '-' || c == ':';
            if (!valid)
            {
                throw new IllegalArgumentException("group name '" + name + "' has an invalid character '" + c +
                    "' at " + i + ": use ASCII letters, digits and . _ - :");
            }
        }

        return name;
    }

    /**
     * @return the kind of channel.
     */
    public Kind kind()
    {
        return kind;
    }

    /**
     * @return the group name for a {@link Kind#GROUP} channel, otherwise null.
     */
    public String groupName()
    {
        return groupName;
    }

    /**
     * @return the target id for a {@link Kind#PRIVATE} channel, otherwise -1.
     */
    public long workerId()
    {
        return workerId;
    }

    byte[] groupNameBytes()
    {
        return groupNameBytes;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public boolean equals(final Object o)
    {
        if (this == o)
        {
            return true;
        }
        if (!(o instanceof Channel))
        {
            return false;
        }

        final Channel that = (Channel)o;
        return kind == that.kind && workerId == that.workerId && Objects.equals(groupName, that.groupName);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public int hashCode()
    {
        return Objects.hash(kind, groupName, workerId);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String toString()
    {
        switch (kind)
        {
            case GROUP:
                return "group(" + groupName + ")";
            case PRIVATE:
                return "worker(" + workerId + ")";
            default:
                return kind.name().toLowerCase();
        }
    }
}
