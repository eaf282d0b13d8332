package io.cloudpods.sim;

import java.util.TreeSet;

/** A resource pool: guests and storages grouped for permissions. */
final class Pool {
  final String id;
  String comment;
  final TreeSet<Integer> vms = new TreeSet<>();
  final TreeSet<String> storages = new TreeSet<>();

  Pool(String id, String comment) {
    this.id = id;
    this.comment = comment;
  }
}
