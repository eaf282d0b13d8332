package io.cloudpods.cli;

/** Help texts of every command and the bash completion script. */
final class Help {
  private Help() {}

  static final String SHORT = "see 'cloudpods help' for the commands";

  static final String GLOBAL =
      """

      Global flags:
        --server URL   the CloudPods API (env CLOUDPODS_SERVER, default http://localhost:8080)
        --token-file F API token read from file F (env CLOUDPODS_TOKEN_FILE, else CLOUDPODS_TOKEN,
                       else .cloudpods/admin-token in the current or the project directory);
                       a token is never taken from the command line
        --ca-cert F    trust the PEM certificate(s) in F for an https:// server, e.g. the
                       .cloudpods/tls-cert.pem of `serve --tls` (env CLOUDPODS_CA_CERT)
        --insecure     send the token over plain http:// to a non-loopback server
        -h, --help     this help
      """;

  static final String MAIN =
      """
      cloudpods: declarative LXC containers on Proxmox VE, kubectl style.

      Usage: cloudpods COMMAND [ARGS] [FLAGS]

      Server:
        serve [--embedded]       run the API server and the controller
        sim [--port N]           run the Proxmox VE API simulator alone
        get controllers          controller replicas and which one leads each cluster (admin)

      Objects:
        apply -f FILE|DIR|-      create or update every object in the manifests
        get KIND [NAME]          list objects or show one (-o wide|json|yaml|name)
        describe KIND NAME       spec, status, conditions and recent events of one object
        delete KIND NAME | -f F  delete objects (the controller removes their containers)
        diff -f FILE             what apply would change; changes nothing
        wait KIND/NAME --for=... wait for a condition (or deletion), showing progress
        events [--watch]         recent events; --watch streams new ones
        token create|list|revoke API tokens (admin)

      Backups:
        backup create POD        take a Manual backup of a pod now; prints the Backup's name
        restore BACKUP           restore a backup as a new pod (--as NAME) or in place (--in-place)
        get backups|backuppolicies|restores   follow them; delete backup NAME removes one

      Coming from the scripts:
        import seed --ipam F --log F   adopt the pods cloudpod-create.sh made (--dry-run first)
        orphans list|adopt|delete      containers with our marker whose pod is not stored

      Other:
        completion bash          print a bash completion script
        version                  print the CLI version
        help [COMMAND]           help for a command

      Kinds: clusters (proxmoxclusters, pxc), tenants (tn), ippools (pool, ipp), cloudpods (cp,
      pod), podsets (ps), backuppolicies (bp), backups (bk), restores (rs); any case, singular or
      plural. All but clusters, tenants and ippools belong to a tenant: --tenant T, -n T or
      CLOUDPODS_TENANT.

      Exit codes: 0 success, 1 failure (server refusal, invalid manifest, timeout, diff found
      differences), 2 wrong command line.
      """
          + GLOBAL;

  static String of(String command) {
    return switch (command) {
      case "get" ->
          """
          Usage: cloudpods get KIND [NAME...] [-o wide|json|yaml|name] [--tenant T] [--no-headers]
                 cloudpods get KIND/NAME...
                 cloudpods get controllers [-o json|yaml] [--no-headers]

          Lists objects of a kind, or shows the named ones. Without a tenant, 'get cloudpods' lists
          the CloudPods of every tenant; the other tenant-scoped kinds need --tenant.

          Columns of clusters: NAME REGION REACHABLE NODES (online/all) VERSION LAST-CONTACT AGE
          (the cluster 'default' is the cloudpods.proxmox.* settings: AGE <config>).

          Columns of the backup kinds:
            backups          NAME POD REASON PHASE VOLID SIZE NODE AGE
            backuppolicies   NAME SCHEDULE TIMEZONE SUSPEND LAST NEXT
            restores         NAME BACKUP TARGET PHASE AGE

            -o wide          more columns (CloudPods: CORES MEMORY DISK POWER TEMPLATE REGION ZONE
                             REASON; clusters: URL TOKEN-ID ZONES REASON;
                             backups: STORAGE MODE PROTECTED MESSAGE; backuppolicies: SELECTOR
                             STORAGE RETENTION LAST-RESULT AGE; restores: POD BEFORE-RESTORE MESSAGE)
            -o json|yaml     the server's objects exactly; a list as {"apiVersion","kind":"<Kind>List","items"}
            -o name          KIND/NAME per line
            -n, --tenant T   the tenant (env CLOUDPODS_TENANT)
            -A, --all-tenants  ignore CLOUDPODS_TENANT
            --no-headers     tables without the header line

          get controllers (or controller; admin token) shows the controller replicas sharing the
          database and the lease of each Proxmox cluster, from GET /api/v1/status:
            replicas         REPLICA HOST PID LIVE CLUSTERS (whose leases it holds) LAST-SEEN STARTED
            leases           CLUSTER HOLDER GENERATION HELD EXPIRES-IN
          The replica holding a cluster's lease reconciles that cluster; GENERATION grows on every
          takeover. -o json|yaml prints the server's 'controllers' object. See docs/HA.md.

          Example: cloudpods get cp -n tenant-123 -o wide
          """
              + GLOBAL;
      case "describe" ->
          """
          Usage: cloudpods describe KIND NAME [--tenant T]

          Shows one object: metadata, spec, status, conditions and its recent events.

          Example: cloudpods describe cloudpod web-1 --tenant tenant-123
          """
              + GLOBAL;
      case "apply" ->
          """
          Usage: cloudpods apply -f FILE|DIR|- [-f ...] [--dry-run] [--wait [--timeout=5m]]

          Sends every object of the manifests (multi-document YAML or JSON; a directory means its
          *.yaml, *.yml and *.json files in name order; - reads stdin) to the server as one batch.
          The server validates the whole batch first: if any object is refused, nothing is stored.
          Prints one line per object: KIND/NAME created|configured|unchanged.

            --dry-run        validate and report without storing anything
            --wait           then wait until every object is Ready, showing progress
            --timeout D      how long --wait waits (default 5m)
            -n, --tenant T   tenant for tenant-scoped objects that name none

          Example: cloudpods apply -f config/examples/ --wait
          """
              + GLOBAL;
      case "delete" ->
          """
          Usage: cloudpods delete KIND NAME [NAME...] [--tenant T] [--ignore-not-found]
                                  [--skip-final-backup]
                 cloudpods delete -f FILE|DIR|-

          Marks objects for deletion; the controller then removes their containers. Use
          'cloudpods wait KIND/NAME --for=delete' to wait until they are gone. A tenant is
          deleted with its PodSets and pods, like a namespace.

          A pod is destroyed only after its Final backup (a protected Backup) has completed.
            --skip-final-backup  cloudpods and podsets: destroy without it (also for a pod
                                 already Deleting whose Final backup failed)

          A backup is deleted with its archive; a protected one is refused (apply it with
          protected: false first). A backup policy goes at once; its backups stay.

          Example: cloudpods delete podset workers -n tenant-123
          """
              + GLOBAL;
      case "diff" ->
          """
          Usage: cloudpods diff -f FILE|DIR|-

          Shows what apply would change (a server-side dry run compared with the stored objects):
          per object 'unchanged', 'new' or a unified-style diff of spec and metadata.labels.
          Changes nothing. Exit code 0 when nothing would change, 1 when something would (or on
          an error), 2 on a wrong command line.
          """
              + GLOBAL;
      case "wait" ->
          """
          Usage: cloudpods wait KIND/NAME... --for=condition=Ready [--timeout=5m] [--tenant T]
                 cloudpods wait KIND NAME... --for=delete
                 cloudpods wait -f FILE --for=condition=Ready

          Polls until every object meets the condition (TYPE or TYPE=STATUS, status True by
          default) or is gone (--for=delete). Prints 'KIND/NAME condition met' per object; progress
          (how many are done, which are pending and why) goes to stderr. Exits 1 after the timeout
          (default 5m) naming the objects that are not done and why.

          Example: cloudpods wait podset/workers --for=condition=Ready -n tenant-123 --timeout=2m
          """
              + GLOBAL;
      case "events" ->
          """
          Usage: cloudpods events [--watch] [--tenant T] [--limit N] [-o json|wide]

          Shows recent events, oldest first. --watch (-w) keeps the connection open and prints
          each new event as it happens (Server-Sent Events); stop with Ctrl-C.
          An event that repeated shows its count and last occurrence: (x12, last 3m ago).
          -o wide adds the ACTOR column (the API token, or controller, that caused the event).
          -o json prints the server's events (one compact object per line with --watch).
          """
              + GLOBAL;
      case "token" ->
          """
          Usage: cloudpods token create NAME --role admin|tenant|readonly [--tenant T]
                                        [--expires-at TIME | --expires-in 30d] [-o json]
                 cloudpods token list [-o json] [--no-headers]
                 cloudpods token revoke NAME...

          Manages API tokens (needs an admin token). create prints the new token's secret once:
          keep it in a file only you can read and pass it with --token-file. list shows every
          token with its last use, never a secret. revoke removes a token at once; its open
          event streams are closed.

            --role R          admin, tenant or readonly (read-only)
            --tenant T        the tenant of a tenant token (required for --role tenant)
            --expires-at TIME ISO-8601, e.g. 2030-01-31T00:00:00Z
            --expires-in D    from now, e.g. 30d, 12h, 1d12h

          Example: cloudpods token create ci-tenant-123 --role tenant --tenant tenant-123 --expires-in 90d
          """
              + GLOBAL;
      case "backup" ->
          """
          Usage: cloudpods backup create POD -n T [--storage S] [--mode snapshot|suspend|stop]
                                         [--notes TEXT] [--protected] [--name NAME] [-o name|json|yaml]

          Creates a Manual Backup of the CloudPod POD and prints its name; the controller runs
          vzdump on the pod's node. Follow it with 'cloudpods get backups -n T' or
          'cloudpods describe backup NAME -n T'. Retention (the pod's policy's prune-backups)
          counts it with the scheduled ones; a protected backup is never pruned or deleted.

            --storage S      backup storage (default vzdump-backups; the tenant must allow it)
            --mode M         vzdump mode: snapshot (default), suspend or stop
            --notes TEXT     notes shown with the archive in Proxmox
            --protected      never pruned, and refused by 'delete backup' while protected
            --name NAME      the Backup's name (default POD-manual-<UTC yyyyMMddHHmmss>)
            -n, --tenant T   the pod's tenant (env CLOUDPODS_TENANT)

          Example: cloudpods backup create web-1 -n tenant-123 --notes before-upgrade --protected
          """
              + GLOBAL;
      case "restore" ->
          """
          Usage: cloudpods restore BACKUP -n T [--as NAME | --in-place] [--name RESTORE] [-o name|json|yaml]

          Creates a Restore of the Completed Backup BACKUP and prints its name.

            --as NAME        restore as a new pod NAME (fresh VMID and address); the default
                             is a new pod <pod>-restored-<UTC yyyyMMddHHmmss>
            --in-place       replace the backed-up pod's container instead, after a protected
                             BeforeRestore backup of it (Proxmox's forced restore destroys the
                             old volumes first)
            --name RESTORE   the Restore's name (default: the new pod's name, or
                             <pod>-inplace-<UTC yyyyMMddHHmmss>)
            -n, --tenant T   the tenant (env CLOUDPODS_TENANT)

          --as and --in-place exclude each other. Follow it with 'cloudpods get restores -n T'.

          Example: cloudpods restore web-1-manual-20261202150000 -n tenant-123 --as web-1-copy
          """
              + GLOBAL;
      case "import" ->
          """
          Usage: cloudpods import seed --ipam FILE --log FILE [--tenant-default T] [--ip-pool P]
                                       [--cluster C] [--dry-run] [-o yaml|json]

          Reads the seed scripts' IPAM file (/etc/migra/ipam-cloudpods.txt) and JSON log
          (/var/log/migra-cloudpods.log) here, and the cluster's guests (all nodes) on the server,
          and prints per container what it found and what it does: adopt as CloudPod <hostname>
          of tenant X (spec.adopt: true, network: Guest), skip (infrastructure, template, pool
          MigraTeck_Production, VMIDs 100-499, already ours, not in the log), or conflict (the
          address is configured on another guest, tenant unknown, hostname not a valid name,
          container on no node, the log disagrees with the container). Without --dry-run it
          creates the tenants that do not exist (quota = their pods' sums, labelled
          cloudpods-import=quota-derived), the CloudPods, and reserves the IPAM-file addresses no
          adopted pod takes. One transaction; a re-run changes nothing. Needs an admin token.

            --ipam FILE          the scripts' IPAM file (one IPv4 per line)
            --log FILE           the scripts' JSON log (streamed; any size)
            --tenant-default T   tenant of pods the log names none for (the scripts log 'unknown')
            --ip-pool P          take addresses only from IpPool P (default: the pool holding each)
            --cluster C          the Proxmox cluster the scripts ran against (default: default);
                                 only its guests and its IP pools are read, the pods get its region
            --dry-run            print the plan, change nothing
            -o yaml|json         print the server's full answer

          Lines of the files that are not used are printed as warnings naming file:line.
          Example: cloudpods import seed --ipam ipam-cloudpods.txt --log migra-cloudpods.log --dry-run
          """
              + GLOBAL;
      case "orphans" ->
          """
          Usage: cloudpods orphans list [-o json|yaml] [--no-headers]
                 cloudpods orphans adopt NAME|VMID --tenant T [--ip-pool P] [--cluster C]
                 cloudpods orphans delete NAME|VMID --yes [--skip-final-backup] [--timeout 30m]
                                        [--cluster C]

          Orphans are containers carrying the CloudPods marker of a pod that is not stored (a
          row deleted by hand, a database restored from an older backup). The controller never
          touches them. list shows them (a tenant token: those tagged with its tenant). adopt
          creates CloudPod <hostname> in tenant T with spec.adopt: true; the controller takes the
          container over once its VMID, hostname and address match. delete destroys the
          container in Proxmox (admin, asks for --yes) after a protected final vzdump archive
          (kept until removed by hand); if that backup fails the container stays and the
          reason is printed. --skip-final-backup destroys it without one. Each Proxmox cluster
          reports its own orphans (column CLUSTER); --cluster C names the cluster when the NAME
          or VMID is found in more than one. An adopted pod lives in the region of its cluster.
          Only the replica holding the cluster's lease deletes; delete asks again for up to 20 s
          while another replica holds it, then exits 1 naming that replica.
          """
              + GLOBAL;
      case "completion" ->
          """
          Usage: cloudpods completion bash

          Prints a bash completion script. Load it with:
            source <(cloudpods completion bash)
          """;
      case "version" ->
          """
          Usage: cloudpods version

          Prints the CLI version.
          """;
      case "help" -> MAIN;
      default -> null;
    };
  }

  static final String BASH_COMPLETION =
      """
      # bash completion for cloudpods; load with: source <(cloudpods completion bash)
      _cloudpods() {
        local cur prev words cword
        if declare -F _init_completion >/dev/null 2>&1; then
          _init_completion || return
        else
          COMPREPLY=(); cur="${COMP_WORDS[COMP_CWORD]}"; prev="${COMP_WORDS[COMP_CWORD-1]}"
          words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD
        fi
        local commands="apply get describe delete diff wait events token backup restore import orphans completion version help serve sim"
        local kinds="clusters tenants ippools cloudpods podsets backuppolicies backups restores"
        local cmd="" kind="" i
        for ((i = 1; i < cword; i++)); do
          case "${words[i]}" in
            -*) ;;
            *) if [[ -z "$cmd" ]]; then cmd="${words[i]}"; elif [[ -z "$kind" ]]; then kind="${words[i]}"; fi ;;
          esac
        done
        case "$prev" in
          -f|--filename) COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null; return ;;
          -o|--output) COMPREPLY=($(compgen -W "wide json yaml name" -- "$cur")); return ;;
          --mode) COMPREPLY=($(compgen -W "snapshot suspend stop" -- "$cur")); return ;;
          --storage|--notes|--name|--as) return ;;
          --for) COMPREPLY=($(compgen -W "condition=Ready delete" -- "$cur")); return ;;
          --token-file) COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null; return ;;
          --role) COMPREPLY=($(compgen -W "admin tenant readonly" -- "$cur")); return ;;
          --server|--timeout|--limit|--expires-at|--expires-in) return ;;
          -n|--tenant)
            COMPREPLY=($(compgen -W "$(cloudpods get tenants -o name 2>/dev/null | sed 's|.*/||')" -- "$cur")); return ;;
        esac
        if [[ -z "$cmd" ]]; then
          COMPREPLY=($(compgen -W "$commands" -- "$cur")); return
        fi
        if [[ "$cur" == -* ]]; then
          local flags="--server --token-file --ca-cert --insecure --help"
          case "$cmd" in
            get) flags="$flags -o --output -n --tenant -A --all-tenants --no-headers" ;;
            describe) flags="$flags -n --tenant" ;;
            delete) flags="$flags -f --filename -n --tenant --ignore-not-found --skip-final-backup" ;;
            backup) flags="$flags -n --tenant --storage --mode --notes --protected --name -o" ;;
            restore) flags="$flags -n --tenant --as --in-place --name -o" ;;
            apply) flags="$flags -f --filename --dry-run --wait --timeout -n --tenant" ;;
            diff) flags="$flags -f --filename -n --tenant" ;;
            wait) flags="$flags --for --timeout -n --tenant -f --filename" ;;
            events) flags="$flags -w --watch -n --tenant --limit -o" ;;
            token) flags="$flags --role --tenant --expires-at --expires-in -o --no-headers" ;;
          esac
          COMPREPLY=($(compgen -W "$flags" -- "$cur")); return
        fi
        case "$cmd" in
          completion) COMPREPLY=($(compgen -W "bash" -- "$cur")) ;;
          token) [[ -z "$kind" ]] && COMPREPLY=($(compgen -W "create list revoke" -- "$cur")) ;;
          backup)
            if [[ -z "$kind" ]]; then COMPREPLY=($(compgen -W "create" -- "$cur")); else
              local tf=() j
              for ((j = 1; j < cword; j++)); do
                if [[ "${words[j]}" == "-n" || "${words[j]}" == "--tenant" ]]; then tf=(--tenant "${words[j+1]}"); fi
              done
              COMPREPLY=($(compgen -W "$(cloudpods get cloudpods "${tf[@]}" -o name 2>/dev/null | sed 's|.*/||')" -- "$cur"))
            fi ;;
          restore)
            local tf=() j
            for ((j = 1; j < cword; j++)); do
              if [[ "${words[j]}" == "-n" || "${words[j]}" == "--tenant" ]]; then tf=(--tenant "${words[j+1]}"); fi
            done
            COMPREPLY=($(compgen -W "$(cloudpods get backups "${tf[@]}" -o name 2>/dev/null | sed 's|.*/||')" -- "$cur")) ;;
          help) COMPREPLY=($(compgen -W "$commands" -- "$cur")) ;;
          get|describe|delete|wait)
            if [[ -z "$kind" ]]; then
              if [[ "$cmd" == get ]]; then
                COMPREPLY=($(compgen -W "$kinds controllers" -- "$cur"))
              else
                COMPREPLY=($(compgen -W "$kinds" -- "$cur"))
              fi
            elif [[ "$kind" == controller || "$kind" == controllers ]]; then
              return
            else
              local tflag=() j
              for ((j = 1; j < cword; j++)); do
                if [[ "${words[j]}" == "-n" || "${words[j]}" == "--tenant" ]]; then tflag=(--tenant "${words[j+1]}"); fi
              done
              COMPREPLY=($(compgen -W "$(cloudpods get "$kind" "${tflag[@]}" -o name 2>/dev/null | sed 's|.*/||')" -- "$cur"))
            fi ;;
        esac
      }
      complete -F _cloudpods cloudpods
      """;
}
