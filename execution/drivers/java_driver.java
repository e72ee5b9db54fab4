/*
 * The trusted Java driver: calls the student's Solution on each case, inside the sandbox.
 *
 * It speaks the protocol of python_driver.py. It reads the signature and the cases' inputs (never
 * the expected outputs) as one JSON document on stdin and reports on the file descriptor given as
 * --reports=N, one JSON object per line: "ready" (or "load_error"), then "start" and "done" (or
 * "error") per case. The student's prints go to stdout; each case's report gives the stdout byte
 * offsets it wrote between. Reports are written straight to the descriptor, so a print can never
 * look like one.
 *
 * Written into /box as PeerPrepDriver.java beside the student's Solution.java, ListNode.java,
 * TreeNode.java and PeerPrepCall.java, the glue execution/languages/java.py generates from the
 * question's signature: it turns one case's JSON input into the parameters' Java types and calls
 * the student's method. The first argument is the run's memory in MiB (the stack of the thread
 * the student's code runs on is a quarter of it).
 */

import java.io.ByteArrayInputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

final class PeerPrepDriver {
    static final String SOLUTION = "Solution.java";
    static final int MAX_NODES = 1_000_000;
    static final int ERROR_CHARS = 2000;

    /** One case's call, made by the generated PeerPrepCall from the case's input. */
    interface Call {
        Object call() throws Throwable;
    }

    /** The method returned something that is not of its return type. */
    static final class WrongType extends Exception {
        private static final long serialVersionUID = 1L;

        WrongType(String message) {
            super(message, null, false, false);
        }
    }

    /** The student's stdout: written through at once, counted in bytes. */
    static final class CountingStream extends OutputStream {
        private final FileOutputStream out = new FileOutputStream(FileDescriptor.out);
        private long written;

        @Override
        public synchronized void write(int b) throws IOException {
            out.write(b);
            written++;
        }

        @Override
        public synchronized void write(byte[] data, int offset, int length) throws IOException {
            out.write(data, offset, length);
            written += length;
        }

        synchronized long written() {
            return written;
        }
    }

    private static OutputStream reports;
    private static CountingStream stdout;
    // Let go of when the heap is exhausted, so that the report can still be written.
    private static byte[] reserve = new byte[1 << 20];

    private PeerPrepDriver() {}

    public static void main(String[] args) throws Exception {
        long memoryMb = Long.parseLong(args[0]);
        int fd = -1;
        for (String arg : args) {
            if (arg.startsWith("--reports=")) {
                fd = Integer.parseInt(arg.substring("--reports=".length()));
            }
        }
        reports = new FileOutputStream(descriptor(fd));
        // Deep recursion is the student's right, up to a quarter of the memory: past it, a
        // StackOverflowError at their line rather than the whole run killed for its memory.
        long stack = Math.max(16L, memoryMb / 4) << 20;
        // (A class rather than a lambda, which the JVM would need a moment to bootstrap.)
        Runnable body =
                new Runnable() {
                    @Override
                    public void run() {
                        guarded();
                    }
                };
        Thread worker = new Thread(null, body, "main", stack);
        worker.start();
        worker.join();
        System.out.flush();
        // Whatever threads the student left running, and whatever shutdown hooks: the run is over.
        Runtime.getRuntime().halt(0);
    }

    /** An inherited descriptor as Java's own (the JDK offers no public way; --add-opens). */
    private static FileDescriptor descriptor(int fd) throws ReflectiveOperationException {
        FileDescriptor descriptor = new FileDescriptor();
        Field field = FileDescriptor.class.getDeclaredField("fd");
        field.setAccessible(true);
        field.setInt(descriptor, fd);
        return descriptor;
    }

    private static void guarded() {
        try {
            run();
        } catch (OutOfMemoryError error) {
            reserve = null;
            // The language's memory marker: the executor reads it as a memory limit.
            System.err.println("java.lang.OutOfMemoryError: " + error.getMessage());
            System.err.flush();
            Runtime.getRuntime().halt(3);
        } catch (Throwable error) {
            error.printStackTrace();
            System.err.flush();
            Runtime.getRuntime().halt(2);
        }
    }

    @SuppressWarnings("unchecked")
    private static void run() throws Exception {
        Map<String, Object> job =
                (Map<String, Object>)
                        new JsonReader(new String(System.in.readAllBytes(), StandardCharsets.UTF_8))
                                .document();
        System.setIn(new ByteArrayInputStream(new byte[0]));
        stdout = new CountingStream();
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        try {
            // Its static initializers run now, as a Python module's body runs when it loads.
            Class.forName("Solution", true, PeerPrepDriver.class.getClassLoader());
        } catch (OutOfMemoryError error) {
            throw error;
        } catch (Throwable error) { // the student's static initializers, whatever they throw
            report(event("load_error").text("kind", "runtime").text("error", describe(error))
                    .number("line", studentLine(error)));
            return;
        }
        report(event("ready"));
        String returns = (String) job.get("returns");
        List<Object> cases = (List<Object>) job.get("cases");
        for (int index = 0; index < cases.size(); index++) {
            Call call = PeerPrepCall.prepare((Map<String, Object>) cases.get(index));
            long before = stdout.written();
            report(event("start").number("case", index));
            long started = System.nanoTime();
            Object result;
            try {
                result = call.call();
            } catch (Throwable thrown) {
                double ms = (System.nanoTime() - started) / 1e6;
                // Not a memory limit: the sandbox's cap on processes (threads count).
                boolean memory = thrown instanceof OutOfMemoryError
                        && !String.valueOf(thrown.getMessage()).contains("native thread");
                if (memory) {
                    reserve = null;
                    call = null;
                }
                Report error = event("error").number("case", index).decimal("ms", ms);
                if (memory) {
                    error.text("limit", "memory");
                }
                report(error.text("error", describe(thrown)).number("line", studentLine(thrown))
                        .span(before, stdout.written()));
                return;
            }
            double ms = (System.nanoTime() - started) / 1e6;
            Report done = event("done").number("case", index).decimal("ms", ms);
            try {
                JsonWriter output = new JsonWriter();
                output.value(returns, result);
                done.raw("output", output.toString());
            } catch (WrongType wrong) {
                done.text("invalid", clip(wrong.getMessage(), 500));
            } catch (OutOfMemoryError error) {
                reserve = null;
                report(event("error").number("case", index).decimal("ms", ms)
                        .text("limit", "memory").text("error", describe(error))
                        .span(before, stdout.written()));
                return;
            }
            report(done.span(before, stdout.written()));
        }
    }

    // ---- What a failure says to the student ----------------------------------------------

    static String describe(Throwable error) {
        StringBuilder text = new StringBuilder(safeText(error));
        Throwable cause = error.getCause();
        for (int depth = 0; cause != null && depth < 5; depth++, cause = cause.getCause()) {
            text.append("\nCaused by: ").append(safeText(cause));
        }
        return clip(text.toString(), ERROR_CHARS);
    }

    private static String safeText(Throwable error) {
        try {
            return String.valueOf(error);
        } catch (Throwable broken) { // the student's own toString, whatever it does
            return error.getClass().getName();
        }
    }

    /** The line of Solution.java nearest the error (in the innermost cause that has one). */
    static Integer studentLine(Throwable error) {
        Integer line = null;
        Throwable current = error;
        for (int depth = 0; current != null && depth < 10; depth++, current = current.getCause()) {
            for (StackTraceElement frame : current.getStackTrace()) {
                if (SOLUTION.equals(frame.getFileName()) && frame.getLineNumber() > 0) {
                    line = frame.getLineNumber();
                    break;
                }
            }
        }
        return line;
    }

    private static String clip(String text, int length) {
        return text.length() <= length ? text : text.substring(0, length);
    }

    // ---- Reports ---------------------------------------------------------------------------

    /** One report's JSON object, written in one go. */
    static final class Report {
        private final StringBuilder json = new StringBuilder("{");

        Report raw(String key, String value) {
            if (json.length() > 1) {
                json.append(", ");
            }
            JsonWriter.string(json, key);
            json.append(": ").append(value);
            return this;
        }

        Report text(String key, String value) {
            StringBuilder quoted = new StringBuilder();
            JsonWriter.string(quoted, value);
            return raw(key, quoted.toString());
        }

        Report number(String key, Integer value) {
            return raw(key, value == null ? "null" : value.toString());
        }

        Report decimal(String key, double value) {
            return raw(key, JsonWriter.decimal(value));
        }

        Report span(long from, long to) {
            return raw("out", "[" + from + ", " + to + "]");
        }
    }

    private static Report event(String name) {
        return new Report().text("event", name);
    }

    private static synchronized void report(Report report) throws IOException {
        reports.write((report.json + "}\n").getBytes(StandardCharsets.UTF_8));
        reports.flush();
    }

    // ---- From the job's JSON to Java values (the generated glue calls these) ---------------

    static int asInt(Object value) {
        return ((Number) value).intValue();
    }

    static long asLong(Object value) {
        return ((Number) value).longValue();
    }

    static double asDouble(Object value) {
        return ((Number) value).doubleValue();
    }

    static boolean asBool(Object value) {
        return (Boolean) value;
    }

    static String asString(Object value) {
        return (String) value;
    }

    static List<?> asList(Object value) {
        return (List<?>) value;
    }

    static ListNode asListNode(Object value) {
        List<?> items = asList(value);
        ListNode head = null;
        for (int index = items.size() - 1; index >= 0; index--) {
            head = new ListNode(asInt(items.get(index)), head);
        }
        return head;
    }

    /** A tree from its level order, LeetCode style: null where a child is missing. */
    static TreeNode asTreeNode(Object value) {
        List<?> items = asList(value);
        if (items.isEmpty() || items.get(0) == null) {
            return null;
        }
        TreeNode root = new TreeNode(asInt(items.get(0)));
        List<TreeNode> waiting = new ArrayList<>();
        waiting.add(root);
        int next = 0;
        int index = 1;
        while (next < waiting.size() && index < items.size()) {
            TreeNode node = waiting.get(next++);
            for (int side = 0; side < 2; side++, index++) {
                if (index < items.size() && items.get(index) != null) {
                    TreeNode child = new TreeNode(asInt(items.get(index)));
                    if (side == 0) {
                        node.left = child;
                    } else {
                        node.right = child;
                    }
                    waiting.add(child);
                }
            }
        }
        return root;
    }

    // ---- JSON ------------------------------------------------------------------------------

    /** A small JSON reader: objects, arrays, strings, numbers (Long or Double), true/false/null. */
    static final class JsonReader {
        private final String text;
        private int at;

        JsonReader(String text) {
            this.text = text;
        }

        Object document() {
            Object value = value();
            space();
            if (at != text.length()) {
                throw error("text after the document");
            }
            return value;
        }

        private Object value() {
            space();
            if (at >= text.length()) {
                throw error("the document ends early");
            }
            char c = text.charAt(at);
            switch (c) {
                case '{':
                    return object();
                case '[':
                    return array();
                case '"':
                    return string();
                case 't':
                    return word("true", Boolean.TRUE);
                case 'f':
                    return word("false", Boolean.FALSE);
                case 'n':
                    return word("null", null);
                default:
                    return number();
            }
        }

        private Map<String, Object> object() {
            Map<String, Object> map = new LinkedHashMap<>();
            at++;
            space();
            if (peek() == '}') {
                at++;
                return map;
            }
            while (true) {
                space();
                if (peek() != '"') {
                    throw error("a key was expected");
                }
                String key = string();
                space();
                expect(':');
                map.put(key, value());
                space();
                if (peek() == ',') {
                    at++;
                } else {
                    expect('}');
                    return map;
                }
            }
        }

        private List<Object> array() {
            List<Object> list = new ArrayList<>();
            at++;
            space();
            if (peek() == ']') {
                at++;
                return list;
            }
            while (true) {
                list.add(value());
                space();
                if (peek() == ',') {
                    at++;
                } else {
                    expect(']');
                    return list;
                }
            }
        }

        private String string() {
            at++;
            StringBuilder out = new StringBuilder();
            while (true) {
                if (at >= text.length()) {
                    throw error("a string never ends");
                }
                char c = text.charAt(at++);
                if (c == '"') {
                    return out.toString();
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char escaped = text.charAt(at++);
                switch (escaped) {
                    case 'b':
                        out.append('\b');
                        break;
                    case 'f':
                        out.append('\f');
                        break;
                    case 'n':
                        out.append('\n');
                        break;
                    case 'r':
                        out.append('\r');
                        break;
                    case 't':
                        out.append('\t');
                        break;
                    case 'u':
                        out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                        at += 4;
                        break;
                    default:
                        out.append(escaped);
                }
            }
        }

        private Object number() {
            int start = at;
            boolean decimal = false;
            while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) {
                char c = text.charAt(at++);
                decimal |= c == '.' || c == 'e' || c == 'E';
            }
            String digits = text.substring(start, at);
            if (digits.isEmpty()) {
                throw error("unexpected character");
            }
            if (!decimal) {
                try {
                    return Long.parseLong(digits);
                } catch (NumberFormatException tooBig) {
                    // falls through: a double then
                }
            }
            return Double.parseDouble(digits);
        }

        private Object word(String word, Object value) {
            if (!text.startsWith(word, at)) {
                throw error("unexpected word");
            }
            at += word.length();
            return value;
        }

        private void space() {
            while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
                at++;
            }
        }

        private char peek() {
            return at < text.length() ? text.charAt(at) : '\0';
        }

        private void expect(char c) {
            if (peek() != c) {
                throw error("'" + c + "' was expected");
            }
            at++;
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException("job JSON, at " + at + ": " + what);
        }
    }

    /** Writes a returned value as the JSON of its signature type, checking it is of that type. */
    static final class JsonWriter {
        private final StringBuilder out = new StringBuilder();

        @Override
        public String toString() {
            return out.toString();
        }

        void value(String kind, Object value) throws WrongType {
            switch (kind) {
                case "ListNode":
                    listNode(value);
                    return;
                case "TreeNode":
                    treeNode(value);
                    return;
                case "int":
                case "long":
                    if (!(value instanceof Integer || value instanceof Long
                            || value instanceof Short || value instanceof Byte)) {
                        throw wrong(value, kind);
                    }
                    out.append(((Number) value).longValue());
                    return;
                case "double":
                    if (!(value instanceof Double || value instanceof Float
                            || value instanceof Integer || value instanceof Long
                            || value instanceof Short || value instanceof Byte)) {
                        throw wrong(value, kind);
                    }
                    out.append(decimal(((Number) value).doubleValue()));
                    return;
                case "bool":
                    if (!(value instanceof Boolean)) {
                        throw wrong(value, kind);
                    }
                    out.append(value);
                    return;
                case "string":
                    if (!(value instanceof String)) {
                        throw wrong(value, kind);
                    }
                    string(out, (String) value);
                    return;
                default:
                    list(kind, value);
            }
        }

        private void list(String kind, Object value) throws WrongType {
            String inner = kind.substring("list<".length(), kind.length() - 1);
            out.append('[');
            if (value != null && value.getClass().isArray()) {
                int length = Array.getLength(value);
                for (int index = 0; index < length; index++) {
                    if (index > 0) {
                        out.append(", ");
                    }
                    value(inner, Array.get(value, index));
                }
            } else if (value instanceof Collection) {
                boolean first = true;
                for (Object item : (Collection<?>) value) {
                    if (!first) {
                        out.append(", ");
                    }
                    first = false;
                    value(inner, item);
                }
            } else {
                throw wrong(value, kind);
            }
            out.append(']');
        }

        private void listNode(Object value) throws WrongType {
            out.append('[');
            int count = 0;
            for (Object node = value; node != null; node = ((ListNode) node).next, count++) {
                if (!(node instanceof ListNode) || count >= MAX_NODES) {
                    throw new WrongType(
                            "the returned list is not a chain of ListNode (or never ends)");
                }
                if (count > 0) {
                    out.append(", ");
                }
                out.append(((ListNode) node).val);
            }
            out.append(']');
        }

        private void treeNode(Object root) throws WrongType {
            List<Object> waiting = new ArrayList<>();
            List<Integer> values = new ArrayList<>();
            if (root != null) {
                waiting.add(root);
            }
            for (int next = 0; next < waiting.size(); next++) {
                Object node = waiting.get(next);
                if (node == null) {
                    values.add(null);
                    continue;
                }
                if (!(node instanceof TreeNode) || values.size() >= MAX_NODES) {
                    throw new WrongType(
                            "the returned tree is not made of TreeNode (or never ends)");
                }
                TreeNode tree = (TreeNode) node;
                values.add(tree.val);
                waiting.add(tree.left);
                waiting.add(tree.right);
            }
            int end = values.size();
            while (end > 0 && values.get(end - 1) == null) {
                end--;
            }
            out.append('[');
            for (int index = 0; index < end; index++) {
                if (index > 0) {
                    out.append(", ");
                }
                out.append(values.get(index) == null ? "null" : values.get(index).toString());
            }
            out.append(']');
        }

        private static WrongType wrong(Object value, String kind) {
            String found = value == null ? "null" : value.getClass().getSimpleName();
            return new WrongType("returned " + found + ", expected " + kind);
        }

        /** A double as Python's json writes it: NaN and Infinity as words, the rest as numbers. */
        static String decimal(double value) {
            if (Double.isNaN(value)) {
                return "NaN";
            }
            if (Double.isInfinite(value)) {
                return value > 0 ? "Infinity" : "-Infinity";
            }
            return Double.toString(value);
        }

        static void string(StringBuilder out, String text) {
            out.append('"');
            for (int index = 0; index < text.length(); index++) {
                char c = text.charAt(index);
                switch (c) {
                    case '"':
                        out.append("\\\"");
                        break;
                    case '\\':
                        out.append("\\\\");
                        break;
                    case '\n':
                        out.append("\\n");
                        break;
                    case '\r':
                        out.append("\\r");
                        break;
                    case '\t':
                        out.append("\\t");
                        break;
                    default:
                        if (c < 0x20 || c > 0x7e) {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                }
            }
            out.append('"');
        }
    }
}
