package io.clustr.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A text table: columns as wide as their widest cell, numbers right-aligned, two spaces between columns.
 */
final class Table
{
    private final String[] headers;
    private final boolean[] rightAligned;
    private final List<String[]> rows = new ArrayList<>();

    /**
     * @param headers column headers; a header ending in '>' is right-aligned (the '>' is not printed).
     */
    Table(final String... headers)
    {
        this.headers = new String[headers.length];
        this.rightAligned = new boolean[headers.length];
        for (int i = 0; i < headers.length; i++)
        {
            rightAligned[i] = headers[i].endsWith(">");
            this.headers[i] = rightAligned[i] ? headers[i].substring(0, headers[i].length() - 1) : headers[i];
        }
    }

    void add(final Object... cells)
    {
        final String[] row = new String[headers.length];
        for (int i = 0; i < row.length; i++)
        {
            row[i] = i < cells.length && null != cells[i] ? cells[i].toString() : "";
        }
        rows.add(row);
    }

    void print(final PrintWriter out, final String indent)
    {
        final int[] widths = new int[headers.length];
        for (int i = 0; i < headers.length; i++)
        {
            widths[i] = headers[i].length();
            for (final String[] row : rows)
            {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }

        line(out, indent, headers, widths);
        for (final String[] row : rows)
        {
            line(out, indent, row, widths);
        }
    }

    private void line(final PrintWriter out, final String indent, final String[] cells, final int[] widths)
    {
        final StringBuilder sb = new StringBuilder(indent);
        for (int i = 0; i < cells.length; i++)
        {
            final boolean isLast = i == cells.length - 1;
            final int pad = widths[i] - cells[i].length();
            if (rightAligned[i])
            {
                sb.append(" ".repeat(pad)).append(cells[i]);
            }
            else
            {
                sb.append(cells[i]);
                if (!isLast)
                {
                    sb.append(" ".repeat(pad));
                }
            }
            if (!isLast)
            {
                sb.append("  ");
            }
        }
        out.println(sb.toString().stripTrailing());
    }
}
