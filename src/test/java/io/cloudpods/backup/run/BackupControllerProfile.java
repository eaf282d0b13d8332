package io.cloudpods.backup.run;

import io.cloudpods.e2e.ControllerProfile;
import java.util.HashMap;
import java.util.Map;

/** The controller against the simulator, with backup intervals short enough for tests. */
public class BackupControllerProfile extends ControllerProfile {
  @Override
  public Map<String, String> getConfigOverrides() {
    Map<String, String> m = new HashMap<>(super.getConfigOverrides());
    m.put("cloudpods.backups.retry-base", "300ms");
    m.put("cloudpods.backups.retry-max", "1s");
    m.put("cloudpods.backups.poll-initial", "100ms");
    m.put("cloudpods.backups.poll-max", "500ms");
    m.put("cloudpods.backups.locked-recheck", "300ms");
    m.put("cloudpods.backups.resync-interval", "1s");
    return m;
  }
}
