# bash completion for ncprof. Install: source this file, or copy it to
# /usr/share/bash-completion/completions/ncprof
_ncprof() {
  local cur prev words cword
  _init_completion 2>/dev/null || { cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]}; }
  local commands="capture health top traces tags peek list export diff merge report web compare-heap leak-check goroutines benchstat bench watch alerts config"
  # Service names from the config ncprof reads (--config on the line,
  # else NCPROF_CONFIG, ./ncprof.yaml, ~/.config/ncprof/config.yaml).
  local cfg=() i
  for ((i = 1; i < COMP_CWORD; i++)); do
    [[ ${COMP_WORDS[i]} == --config ]] && cfg=(--config "${COMP_WORDS[i+1]}")
  done
  local services
  services=$("${COMP_WORDS[0]}" __complete services "${cfg[@]}" 2>/dev/null) ||
    services="crawler source-manager classifier publisher-api publisher-router auth search"
  local target_opts="--all --config --host --insecure --cacert --format"
  local frame_opts="--sample-index --focus --ignore --hide --show --show-from --prune-from --granularity --tagfocus --tagignore --tagshow --taghide --unit"
  local select_opts="--base --diff-base --normalize $frame_opts"
  local value_opts="--mean --drop-negative"
  local table_opts="--nodecount --cum --nodefraction --no-trim"
  local top_opts="$select_opts $value_opts $table_opts --format"
  local page_opts="--base --diff-base $frame_opts $table_opts"
  local sub=""
  for w in "${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    case $w in capture|health|top|traces|tags|peek|list|export|diff|merge|report|web|compare-heap|leak-check|goroutines|benchstat|bench|watch|alerts|config) sub=$w; break ;; esac
  done
  case $prev in
    --type|-t)
      if [[ $sub == report || $sub == web ]]; then COMPREPLY=($(compgen -W "heap allocs cpu goroutine block mutex threadcreate" -- "$cur"))
      else COMPREPLY=($(compgen -W "heap allocs cpu goroutine block mutex threadcreate trace" -- "$cur")); fi
      return ;;
    --format)
      if [[ $sub == benchstat ]]; then COMPREPLY=($(compgen -W "text csv json" -- "$cur"))
      elif [[ $sub == export ]]; then COMPREPLY=($(compgen -W "folded speedscope pprof" -- "$cur"))
      else COMPREPLY=($(compgen -W "text json" -- "$cur")); fi
      return ;;
    --profile) COMPREPLY=($(compgen -W "cpu mem" -- "$cur")); return ;;
    --against) COMPREPLY=($(compgen -W "$(git for-each-ref --format='%(refname:short)' 2>/dev/null) HEAD" -- "$cur")); return ;;
    --dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    --granularity) COMPREPLY=($(compgen -W "functions lines files addresses" -- "$cur")); return ;;
    --sample-index) COMPREPLY=($(compgen -W "inuse_space inuse_objects alloc_space alloc_objects cpu samples delay contentions" -- "$cur")); return ;;
    --config|--cacert|--base|--diff-base|-o|--output|--out|--log-dir|--baseline-file|--current-file|--html) COMPREPLY=($(compgen -f -- "$cur")); return ;;
  esac
  case $sub in
    "") COMPREPLY=($(compgen -W "$commands --help --version --max-decompressed --verbose -v --quiet -q" -- "$cur")) ;;
    capture) COMPREPLY=($(compgen -W "$services $target_opts --type --duration --out --gc --debug --delta --timeout --concurrency --max-bytes" -- "$cur")) ;;
    health) COMPREPLY=($(compgen -W "$services $target_opts --watch --timeout" -- "$cur")) ;;
    top) COMPREPLY=($(compgen -f -W "$top_opts" -- "$cur")) ;;
    traces|tags|peek) COMPREPLY=($(compgen -f -W "$select_opts $value_opts" -- "$cur")) ;;
    list) COMPREPLY=($(compgen -f -W "$select_opts $value_opts --source-path --trim-path" -- "$cur")) ;;
    export) COMPREPLY=($(compgen -f -W "$select_opts --format --output -o" -- "$cur")) ;;
    diff) COMPREPLY=($(compgen -f -W "${top_opts/--base /} --output -o" -- "$cur")) ;;
    merge) COMPREPLY=($(compgen -f -W "--output -o" -- "$cur")) ;;
    report) COMPREPLY=($(compgen -f -W "$services $page_opts --title --type --duration --timeout --config --host --insecure --cacert --output -o" -- "$cur")) ;;
    web) COMPREPLY=($(compgen -f -W "$services $page_opts --title --type --duration --timeout --config --host --insecure --cacert --http --no-browser" -- "$cur")) ;;
    compare-heap) COMPREPLY=($(compgen -f -W "$services $target_opts --baseline-file --current-file --interval --sample-index --warn --fail --warn-rate --fail-rate --min-growth --out --timeout --html" -- "$cur")) ;;
    leak-check) COMPREPLY=($(compgen -W "$services $target_opts --interval --count --warmup --alpha --min-heap-rate --min-goroutine-rate --min-growth --min-samples --timeout --log-dir --html" -- "$cur")) ;;
    benchstat) COMPREPLY=($(compgen -f -W "--alpha --confidence --format --table --row --col --ignore --filter" -- "$cur")) ;;
    bench) COMPREPLY=($(compgen -W "$services $target_opts --dir --baseline --compare --bench --benchtime --count --benchmem --fail-on --alpha --profile --against --rounds --min-ci --max-alloc-increase --cpu" -- "$cur")) ;;
    watch) COMPREPLY=($(compgen -W "$services $target_opts --every --types --duration --timeout --out --keep --keep-for --max-disk --window --min-heap-rate --min-goroutine-rate --alpha --listen --push --push-header --log-format --workers" -- "$cur")) ;;
    config) COMPREPLY=($(compgen -W "export $services --config --host --format --every --types --write-url --output -o" -- "$cur")) ;;
    alerts) COMPREPLY=($(compgen -W "--for --window --horizon --goroutine-rate --heap-limit --capture-errors --output -o" -- "$cur")) ;;
    goroutines) COMPREPLY=($(compgen -f -W "$services --base --config --host --insecure --cacert --timeout --frames --format" -- "$cur")) ;;
  esac
}
complete -F _ncprof ncprof
