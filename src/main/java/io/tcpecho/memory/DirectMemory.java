package io.tcpecho.memory;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;

import io.netty.util.internal.PlatformDependent;

/**
 * The direct memory the JVM lets Netty use, and how much of it is used: the memory the echo's buffers live in.
 * Netty allocates it either through the JDK (counted against {@code -XX:MaxDirectMemorySize}, which defaults
 * to the heap's maximum) or, when the JVM lets it, directly (counted by Netty against the same limit).
 */
public final class DirectMemory {

    private static final BufferPoolMXBean JDK_DIRECT = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)
            .stream().filter(pool -> "direct".equals(pool.getName())).findFirst().orElseThrow();

    private DirectMemory() {
    }

    /** The limit: allocating beyond it fails with an {@link OutOfMemoryError}. */
    public static long max() {
        return PlatformDependent.maxDirectMemory();
    }

    /** How Netty allocates it, for the start-up line. */
    public static String allocation() {
        return PlatformDependent.useDirectBufferNoCleaner() ? "allocated by Netty" : "allocated through the JDK";
    }

    /** Bytes in use now. */
    public static long used() {
        long counted = PlatformDependent.usedDirectMemory();
        return counted >= 0 ? counted : JDK_DIRECT.getMemoryUsed();
    }
}
