package dev.shallows.engine.bench;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's resident memory from {@code /proc/self/status} (Linux): the total, the anonymous
 * part (Java heap, native allocations: repacked weights live here) and the file-backed part (pages
 * of memory-mapped checkpoints that have been touched; clean, so the kernel may drop them under
 * pressure), and the live Java heap (part of the anonymous memory). -1 where not available.
 */
public record ResidentMemory(long totalBytes, long anonBytes, long fileBytes, long heapUsedBytes) {

  private static final Path STATUS = Path.of("/proc/self/status");

  /** A sample taken now. */
  public static ResidentMemory now() {
    try {
      String status = Files.readString(STATUS);
      return new ResidentMemory(
          field(status, "VmRSS:"),
          field(status, "RssAnon:"),
          field(status, "RssFile:"),
          ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    } catch (IOException e) {
      return new ResidentMemory(-1, -1, -1, -1);
    }
  }

  /**
   * A sample after a full GC that also gives free heap back to the system (the JVM would otherwise
   * keep up to 70% of its heap committed but unused, which the anonymous figure would count): sets
   * the manageable flags Min/MaxHeapFreeRatio to 5/10 for the rest of this process.
   */
  public static ResidentMemory afterGc() {
    HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    vm.setVMOption("MinHeapFreeRatio", "5"); // first: the minimum may not exceed the maximum
    vm.setVMOption("MaxHeapFreeRatio", "10");
    System.gc();
    System.gc();
    return now();
  }

  /** The value of a "Name: 1234 kB" line, in bytes; -1 if absent. */
  static long field(String status, String name) {
    for (String line : status.split("\n")) {
      if (line.startsWith(name)) {
        String[] parts = line.substring(name.length()).trim().split("\\s+");
        return Long.parseLong(parts[0]) * 1024;
      }
    }
    return -1;
  }
}
