package io.clustr.cli;

/**
 * Just enough JSON writing for {@code clustr ls --json} and {@code clustr web}'s {@code /api/status}: objects, arrays,
 * strings, numbers, booleans.
 */
final class Json
{
    private final StringBuilder sb = new StringBuilder();
    private boolean needsComma;

    Json beginObject()
    {
        comma();
        sb.append('{');
        needsComma = false;
        return this;
    }

    Json beginObject(final String name)
    {
        key(name);
        sb.append('{');
        needsComma = false;
        return this;
    }

    Json endObject()
    {
        sb.append('}');
        needsComma = true;
        return this;
    }

    Json beginArray(final String name)
    {
        key(name);
        sb.append('[');
        needsComma = false;
        return this;
    }

    Json endArray()
    {
        sb.append(']');
        needsComma = true;
        return this;
    }

    Json field(final String name, final String value)
    {
        key(name);
        if (null == value)
        {
            sb.append("null");
        }
        else
        {
            string(value);
        }
        needsComma = true;
        return this;
    }

    Json field(final String name, final long value)
    {
        key(name);
        sb.append(value);
        needsComma = true;
        return this;
    }

    Json field(final String name, final double value)
    {
        key(name);
        sb.append(Double.isFinite(value) ? Double.toString(value) : "null");
        needsComma = true;
        return this;
    }

    Json field(final String name, final boolean value)
    {
        key(name);
        sb.append(value);
        needsComma = true;
        return this;
    }

    Json value(final double value)
    {
        comma();
        sb.append(Double.isFinite(value) ? Double.toString(value) : "null");
        needsComma = true;
        return this;
    }

    @Override
    public String toString()
    {
        return sb.toString();
    }

    private void key(final String name)
    {
        comma();
        string(name);
        sb.append(':');
        needsComma = false;
    }

    private void comma()
    {
        if (needsComma)
        {
            sb.append(',');
        }
    }

    private void string(final String value)
    {
        sb.append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            switch (c)
            {
                case '"':
                    sb.append("\\\"");
                    break;
                case '\\':
                    sb.append("\\\\");
                    break;
                case '\n':
                    sb.append("\\n");
                    break;
                case '\r':
                    sb.append("\\r");
                    break;
                case '\t':
                    sb.append("\\t");
                    break;
                default:
                    if (c < 0x20)
                    {
                        sb.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }
}
