package io.cloudpods.cloudpod.gate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

/**
 * Bounds how many Proxmox tasks run at once per slot (a clone source, a storage, a node), so the
 * controller respects Proxmox's real limits instead of discovering them by failure: clones of one
 * template serialise on its {@code disk} lock, allocations on one storage on a storage lock.
 *
 * <p>A task holds its slots from the call that starts it until the reconciler sees it finish.
 * Acquisition is all-or-nothing. An owner that finds a slot full is remembered, and woken (in
 * arrival order) through the wake callback as soon as capacity frees, so a chain of serialised
 * clones leaves no idle gap between tasks.
 */
public final class ConcurrencyGate<K> {

  private final ToIntFunction<String> limitOf;
  private final Consumer<K> wake;
  private final Map<String, Integer> inUse = new HashMap<>();
  private final Map<K, List<String>> held = new HashMap<>();
  private final Map<String, LinkedHashSet<K>> waiters = new HashMap<>();

  /**
   * @param limitOf the capacity of a slot key (at least 1)
   * @param wake called (outside the gate's lock is not guaranteed; keep it cheap) for an owner that
   *     waited and may now succeed
   */
  public ConcurrencyGate(ToIntFunction<String> limitOf, Consumer<K> wake) {
    this.limitOf = limitOf;
    this.wake = wake;
  }

  private static final String CLONE_SOURCE = "clone-source:";

  /** Slot key for clones of one source guest. */
  public static String cloneSource(String node, int vmid) {
    return CLONE_SOURCE + node + "/" + vmid;
  }

  /** Whether {@code slot} is a {@link #cloneSource} key. */
  public static boolean isCloneSource(String slot) {
    return slot.startsWith(CLONE_SOURCE);
  }

  /** Slot key for allocations on one storage of one node. */
  public static String storage(String node, String storage) {
    return "storage:" + node + "/" + storage;
  }

  /** Slot key for tasks on one node. */
  public static String node(String node) {
    return "node:" + node;
  }

  /**
   * Takes every slot in {@code slots} for {@code owner}, or none of them. An owner holds at most
   * one set of slots: acquiring again first releases what it held. Returns false when a slot is
   * full; the owner is then woken when capacity frees.
   */
  public boolean tryAcquire(K owner, List<String> slots) {
    return acquire(owner, slots).isEmpty();
  }

  /**
   * {@link #tryAcquire}, telling what stood in the way: the slots of {@code slots} that were full
   * (in the order given), or an empty list when the owner now holds them all.
   */
  public List<String> acquire(K owner, List<String> slots) {
    List<K> toWake;
    List<String> full;
    synchronized (this) {
      toWake = releaseLocked(owner);
      full = fullOf(slots);
      if (full.isEmpty()) {
        take(owner, slots);
      } else {
        waitFor(owner, slots);
      }
    }
    wakeAll(toWake);
    return full;
  }

  /**
   * Whether {@code owner}, which holds nothing, would find a slot full right now; if so it is
   * remembered and woken like a failed {@link #tryAcquire}. Takes nothing: lets a pod that cannot
   * start its task anyway wait without first asking Proxmox anything.
   */
  public boolean mustWait(K owner, List<String> slots) {
    return !waitsFor(owner, slots).isEmpty();
  }

  /**
   * {@link #mustWait}, telling what for: the full slots of {@code slots} (in the order given), or
   * an empty list when the owner need not wait.
   */
  public synchronized List<String> waitsFor(K owner, List<String> slots) {
    if (held.containsKey(owner)) {
      return List.of();
    }
    List<String> full = fullOf(slots);
    if (!full.isEmpty()) {
      waitFor(owner, slots);
    }
    return full;
  }

  private List<String> fullOf(List<String> slots) {
    List<String> full = new ArrayList<>();
    for (String s : slots) {
      if (full(s)) {
        full.add(s);
      }
    }
    return full;
  }

  private boolean full(String slot) {
    return inUse.getOrDefault(slot, 0) >= Math.max(1, limitOf.applyAsInt(slot));
  }

  /** Waits on every slot of the set: capacity freed on any of them wakes the owner to try again. */
  private void waitFor(K owner, List<String> slots) {
    for (String w : slots) {
      waiters.computeIfAbsent(w, k -> new LinkedHashSet<>()).add(owner);
    }
  }

  /**
   * Marks slots as held by {@code owner} whatever the limits: for a task found running after a
   * restart, which holds its slots on Proxmox whether we count it or not.
   */
  public synchronized void hold(K owner, List<String> slots) {
    if (held.containsKey(owner)) {
      return;
    }
    take(owner, slots);
  }

  private void take(K owner, List<String> slots) {
    for (String s : slots) {
      inUse.merge(s, 1, Integer::sum);
      LinkedHashSet<K> w = waiters.get(s);
      if (w != null) {
        w.remove(owner);
      }
    }
    held.put(owner, List.copyOf(slots));
  }

  /** Frees what {@code owner} holds and wakes waiters of the freed slots. */
  public void release(K owner) {
    List<K> toWake;
    synchronized (this) {
      toWake = releaseLocked(owner);
    }
    wakeAll(toWake);
  }

  private List<K> releaseLocked(K owner) {
    List<String> slots = held.remove(owner);
    if (slots == null) {
      return List.of();
    }
    Set<K> wakeSet = new LinkedHashSet<>();
    for (String s : slots) {
      int left = inUse.merge(s, -1, Integer::sum);
      if (left <= 0) {
        inUse.remove(s);
      }
      LinkedHashSet<K> w = waiters.get(s);
      if (w == null || w.isEmpty()) {
        continue;
      }
      int free = Math.max(1, limitOf.applyAsInt(s)) - Math.max(0, left);
      var it = w.iterator();
      while (free > 0 && it.hasNext()) {
        K k = it.next();
        it.remove();
        wakeSet.add(k);
        free--;
      }
      if (w.isEmpty()) {
        waiters.remove(s);
      }
    }
    return new ArrayList<>(wakeSet);
  }

  /**
   * Forgets every slot and waiter: the engine starts again (its replica took the cluster's lease);
   * tasks still running are held again by the passes that find them.
   */
  public synchronized void clear() {
    inUse.clear();
    held.clear();
    waiters.clear();
  }

  /** Forgets {@code owner} entirely (its pod is gone). */
  public void forget(K owner) {
    release(owner);
    synchronized (this) {
      waiters.values().forEach(w -> w.remove(owner));
    }
  }

  public synchronized int inUse(String slot) {
    return inUse.getOrDefault(slot, 0);
  }

  public synchronized boolean holds(K owner) {
    return held.containsKey(owner);
  }

  public synchronized int waiting(String slot) {
    LinkedHashSet<K> w = waiters.get(slot);
    return w == null ? 0 : w.size();
  }

  private void wakeAll(List<K> owners) {
    owners.forEach(wake);
  }
}
