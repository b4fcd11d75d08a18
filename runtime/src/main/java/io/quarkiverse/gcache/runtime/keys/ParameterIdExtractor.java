package io.quarkiverse.gcache.runtime.keys;

/** The id is a parameter itself. */
public final class ParameterIdExtractor implements IdExtractor {

    private final int index;

    public ParameterIdExtractor(int index) {
        this.index = index;
    }

    @Override
    public Object extract(Object[] params) {
        return params[index];
    }
}
