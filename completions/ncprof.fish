# fish completion for ncprof. Install: copy to ~/.config/fish/completions/
set -l commands capture health top traces tags peek list export diff merge report web compare-heap leak-check goroutines benchstat bench watch alerts config
# Service names from the config ncprof reads (--config on the line too).
function __ncprof_services
  set -l words (commandline -opc)
  set -l cfg
  set -l i (contains -i -- --config $words)
  and set cfg --config $words[(math $i + 1)]
  $words[1] __complete services $cfg 2>/dev/null
  or printf '%s\n' crawler source-manager classifier publisher-api publisher-router auth search
end
complete -c ncprof -f -n "not __fish_seen_subcommand_from $commands" -a capture -d 'Capture profiles from services'
complete -c ncprof -f -n "not __fish_seen_subcommand_from $commands" -a health -d 'Show /health/memory of services'
complete -c ncprof -f -n "not __fish_seen_subcommand_from $commands" -a top -d 'Top table, as go tool pprof -top'
complete -c ncprof -f -n "not __fish_seen_subcommand_from $commands" -a traces -d 'Every sample, as go tool pprof -traces'
complete -c ncprof -f -n "not __fish_seen_subcommand_from $commands" -a tags -d 'Labels with totals, as go tool pprof -tags'
complete -c ncprof -f -n "not __fish_seen_subcommand_from $commands" -a peek -d 'Callers and callees, as go tool pprof -peek'
complete -c ncprof -f -n "not __fish_seen_subcommand_from $commands" -a list -d 'Annotated source, as go tool pprof -list'
complete -c ncprof -f -n "not __fish_seen_subcommand_from $commands" -a export -d 'Folded stacks, speedscope or filtered pprof'
complete -c ncprof -f -n "not __fish_seen_subcommand_from $commands" -a diff -d 'Subtract a base profile'
complete -c ncprof -f -n "not __fish_seen_subcommand_from $commands" -a merge -d 'Merge profiles into one'
complete -c ncprof -f -n "not __fish_seen_subcommand_from $commands" -a report -d 'One HTML page: flame graph, top table'
complete -c ncprof -f -n "not __fish_seen_subcommand_from $commands" -a web -d 'Serve the report page, as pprof -http'
complete -c ncprof -f -n "not __fish_seen_subcommand_from $commands" -a compare-heap -d 'Heap now and after an interval'
complete -c ncprof -f -n "not __fish_seen_subcommand_from $commands" -a leak-check -d 'Leak verdict per service'
complete -c ncprof -f -n "not __fish_seen_subcommand_from $commands" -a goroutines -d 'Goroutines grouped by stack'
complete -c ncprof -f -n "not __fish_seen_subcommand_from $commands" -a benchstat -d 'Summarise and compare benchmark results'
complete -c ncprof -f -n "not __fish_seen_subcommand_from $commands" -a bench -d 'Run Go benchmarks, baselines, CI gate'
complete -c ncprof -f -n "not __fish_seen_subcommand_from $commands" -a alerts -d 'Prometheus alert rules'
complete -c ncprof -f -n "not __fish_seen_subcommand_from $commands" -a watch -d 'Capture on a schedule, feed Prometheus and Pyroscope'
complete -c ncprof -f -n "not __fish_seen_subcommand_from $commands" -a config -d 'The services for other tools (config export)'
complete -c ncprof -n "not __fish_seen_subcommand_from $commands" -l max-decompressed -r -d 'Refuse profiles inflating past SIZE'
complete -c ncprof -s v -l verbose -d 'Every request, file and config on stderr'
complete -c ncprof -s q -l quiet -d 'Errors only on stderr'
for cmd in capture health compare-heap leak-check bench watch
  complete -c ncprof -f -n "__fish_seen_subcommand_from $cmd" -a "(__ncprof_services)"
  complete -c ncprof -n "__fish_seen_subcommand_from $cmd" -l all -d 'Every configured service'
  complete -c ncprof -n "__fish_seen_subcommand_from $cmd" -l config -r -F -d 'Config file'
  complete -c ncprof -n "__fish_seen_subcommand_from $cmd" -l host -r -d 'Host of the built-in services'
  complete -c ncprof -n "__fish_seen_subcommand_from $cmd" -l insecure -d 'Do not verify TLS certificates'
  complete -c ncprof -n "__fish_seen_subcommand_from $cmd" -l cacert -r -F -d 'CA bundle'
  complete -c ncprof -n "__fish_seen_subcommand_from $cmd" -l timeout -r -d 'Time allowed per request'
end
complete -c ncprof -n "__fish_seen_subcommand_from top diff" -l format -r -a 'text json'
complete -c ncprof -n "__fish_seen_subcommand_from capture" -s t -l type -r -a 'heap allocs cpu goroutine block mutex threadcreate trace'
complete -c ncprof -n "__fish_seen_subcommand_from capture" -l duration -r -d 'cpu/trace length'
complete -c ncprof -n "__fish_seen_subcommand_from capture" -l out -r -F -d 'Output directory'
complete -c ncprof -n "__fish_seen_subcommand_from capture" -l gc -d 'GC before the heap profile'
complete -c ncprof -n "__fish_seen_subcommand_from capture" -l debug -r -a '1 2'
complete -c ncprof -n "__fish_seen_subcommand_from capture" -l delta -r -d 'Delta profile length'
complete -c ncprof -n "__fish_seen_subcommand_from capture" -l concurrency -r
complete -c ncprof -n "__fish_seen_subcommand_from capture" -l max-bytes -r
complete -c ncprof -n "__fish_seen_subcommand_from health" -l watch -r -d 'Refresh interval'
complete -c ncprof -n "__fish_seen_subcommand_from top" -l base -r -F -d 'Subtract this profile'
complete -c ncprof -n "__fish_seen_subcommand_from top" -l diff-base -r -F -d 'Compare against this profile'
complete -c ncprof -n "__fish_seen_subcommand_from diff" -l diff-base -d 'Percentages relative to the base'
complete -c ncprof -n "__fish_seen_subcommand_from report web" -l base -r -F -d 'Subtract this profile'
complete -c ncprof -n "__fish_seen_subcommand_from report web" -l diff-base -r -F -d 'Compare against this profile'
complete -c ncprof -n "__fish_seen_subcommand_from report web" -l title -r -d 'Page title'
complete -c ncprof -n "__fish_seen_subcommand_from report web" -l type -r -a 'heap allocs cpu goroutine block mutex threadcreate'
complete -c ncprof -n "__fish_seen_subcommand_from report web" -l duration -r -d 'CPU profile length'
complete -c ncprof -n "__fish_seen_subcommand_from report web" -l timeout -r
complete -c ncprof -n "__fish_seen_subcommand_from report web" -l config -r -F
complete -c ncprof -n "__fish_seen_subcommand_from report web" -l host -r
complete -c ncprof -n "__fish_seen_subcommand_from report web" -l insecure
complete -c ncprof -n "__fish_seen_subcommand_from report web" -l cacert -r -F
complete -c ncprof -n "__fish_seen_subcommand_from report" -s o -l output -r -F -d 'Output HTML file'
complete -c ncprof -n "__fish_seen_subcommand_from web" -l http -r -d 'Address to listen on'
complete -c ncprof -n "__fish_seen_subcommand_from web" -l no-browser -d 'Do not open a browser'
# What selects samples and frames: every analysis command and the page.
for cmd in top diff report web traces tags peek list export
  complete -c ncprof -n "__fish_seen_subcommand_from $cmd" -l sample-index -r -a 'inuse_space inuse_objects alloc_space alloc_objects cpu samples delay contentions'
  complete -c ncprof -n "__fish_seen_subcommand_from $cmd" -l focus -r
  complete -c ncprof -n "__fish_seen_subcommand_from $cmd" -l ignore -r
  complete -c ncprof -n "__fish_seen_subcommand_from $cmd" -l hide -r
  complete -c ncprof -n "__fish_seen_subcommand_from $cmd" -l show -r
  complete -c ncprof -n "__fish_seen_subcommand_from $cmd" -l granularity -r -a 'functions lines files addresses'
  complete -c ncprof -n "__fish_seen_subcommand_from $cmd" -l tagfocus -r -d 'Samples with a label matching'
  complete -c ncprof -n "__fish_seen_subcommand_from $cmd" -l tagignore -r -d 'Drop samples with a label matching'
  complete -c ncprof -n "__fish_seen_subcommand_from $cmd" -l tagshow -r -d 'Keep labels whose key matches'
  complete -c ncprof -n "__fish_seen_subcommand_from $cmd" -l taghide -r -d 'Remove labels whose key matches'
  complete -c ncprof -n "__fish_seen_subcommand_from $cmd" -l unit -r -a 'minimum auto B kB MB GB ns us ms s'
  complete -c ncprof -n "__fish_seen_subcommand_from $cmd" -l show-from -r -d 'Drop frames above the root-most match'
  complete -c ncprof -n "__fish_seen_subcommand_from $cmd" -l prune-from -r -d 'Drop frames beneath the match'
end
# How values are shown, and scaling to the base, in the text reports.
for cmd in top diff traces tags peek list
  complete -c ncprof -n "__fish_seen_subcommand_from $cmd" -l mean -d 'Values per sample count'
  complete -c ncprof -n "__fish_seen_subcommand_from $cmd" -l drop-negative -d 'Leave out negative rows'
end
for cmd in top diff traces tags peek list export
  complete -c ncprof -n "__fish_seen_subcommand_from $cmd" -l normalize -d 'Scale to the base total first'
end
# top's own table options.
for cmd in top diff report web
  complete -c ncprof -n "__fish_seen_subcommand_from $cmd" -l nodecount -r
  complete -c ncprof -n "__fish_seen_subcommand_from $cmd" -l nodefraction -r
  complete -c ncprof -n "__fish_seen_subcommand_from $cmd" -l cum
  complete -c ncprof -n "__fish_seen_subcommand_from $cmd" -l no-trim
  complete -c ncprof -n "__fish_seen_subcommand_from $cmd" -l format -r -a 'text json'
end
for cmd in traces tags peek list export
  complete -c ncprof -n "__fish_seen_subcommand_from $cmd" -l base -r -F -d 'Subtract this profile'
  complete -c ncprof -n "__fish_seen_subcommand_from $cmd" -l diff-base -r -F -d 'Compare against this profile'
end
complete -c ncprof -n "__fish_seen_subcommand_from export" -l format -r -a 'folded speedscope pprof'
complete -c ncprof -n "__fish_seen_subcommand_from list" -l source-path -r -F -d 'Where sources are'
complete -c ncprof -n "__fish_seen_subcommand_from list" -l trim-path -r -d 'Prefixes to cut from recorded paths'
complete -c ncprof -n "__fish_seen_subcommand_from diff merge export" -s o -l output -r -F
complete -c ncprof -n "__fish_seen_subcommand_from goroutines" -l base -r -F -d 'Earlier dump or target'
complete -c ncprof -n "__fish_seen_subcommand_from goroutines" -l config -r
complete -c ncprof -n "__fish_seen_subcommand_from goroutines" -l host -r
complete -c ncprof -n "__fish_seen_subcommand_from goroutines" -l cacert -r
complete -c ncprof -n "__fish_seen_subcommand_from goroutines" -l timeout -r
complete -c ncprof -n "__fish_seen_subcommand_from goroutines" -l frames -r
complete -c ncprof -n "__fish_seen_subcommand_from goroutines" -l insecure
complete -c ncprof -n "__fish_seen_subcommand_from goroutines" -l format -r -a 'text json'
complete -c ncprof -n "__fish_seen_subcommand_from compare-heap leak-check" -l interval -r
complete -c ncprof -n "__fish_seen_subcommand_from compare-heap leak-check" -l timeout -r
complete -c ncprof -n "__fish_seen_subcommand_from compare-heap" -l sample-index -r -a 'inuse_space inuse_objects'
complete -c ncprof -n "__fish_seen_subcommand_from compare-heap" -l warn -r -d 'WARN at this growth, percent'
complete -c ncprof -n "__fish_seen_subcommand_from compare-heap" -l fail -r -d 'FAIL at this growth, percent'
complete -c ncprof -n "__fish_seen_subcommand_from compare-heap" -l out -r -F
complete -c ncprof -n "__fish_seen_subcommand_from compare-heap" -l warn-rate -r -d 'WARN at this growth per hour'
complete -c ncprof -n "__fish_seen_subcommand_from compare-heap" -l fail-rate -r -d 'FAIL at this growth per hour'
complete -c ncprof -n "__fish_seen_subcommand_from compare-heap" -l min-growth -r
complete -c ncprof -n "__fish_seen_subcommand_from compare-heap" -l baseline-file -r -F
complete -c ncprof -n "__fish_seen_subcommand_from compare-heap" -l current-file -r -F
complete -c ncprof -n "__fish_seen_subcommand_from leak-check" -l count -r
complete -c ncprof -n "__fish_seen_subcommand_from leak-check" -l warmup -r
complete -c ncprof -n "__fish_seen_subcommand_from leak-check" -l alpha -r
complete -c ncprof -n "__fish_seen_subcommand_from leak-check" -l min-heap-rate -r
complete -c ncprof -n "__fish_seen_subcommand_from leak-check" -l min-goroutine-rate -r
complete -c ncprof -n "__fish_seen_subcommand_from leak-check" -l min-growth -r
complete -c ncprof -n "__fish_seen_subcommand_from leak-check" -l min-samples -r
complete -c ncprof -n "__fish_seen_subcommand_from leak-check" -l log-dir -r
complete -c ncprof -n "__fish_seen_subcommand_from leak-check" -l html -r -F -d 'Page: timeline, trend, where the heap grew'
complete -c ncprof -n "__fish_seen_subcommand_from benchstat bench" -l alpha -r
complete -c ncprof -n "__fish_seen_subcommand_from benchstat" -l confidence -r
complete -c ncprof -n "__fish_seen_subcommand_from benchstat" -l table -r -d 'Split into tables by these keys'
complete -c ncprof -n "__fish_seen_subcommand_from benchstat" -l row -r -d 'Split into rows by these keys'
complete -c ncprof -n "__fish_seen_subcommand_from benchstat" -l col -r -d 'Compare across columns by these keys'
complete -c ncprof -n "__fish_seen_subcommand_from benchstat" -l ignore -r -d 'Ignore variations in these keys'
complete -c ncprof -n "__fish_seen_subcommand_from benchstat" -l filter -r -d 'Use only results matching this query'
complete -c ncprof -n "__fish_seen_subcommand_from benchstat" -l format -r -a 'text csv json'
complete -c ncprof -n "__fish_seen_subcommand_from bench" -l dir -r -F
complete -c ncprof -n "__fish_seen_subcommand_from bench" -l baseline
complete -c ncprof -n "__fish_seen_subcommand_from bench" -l compare -F
complete -c ncprof -n "__fish_seen_subcommand_from bench" -l bench -r
complete -c ncprof -n "__fish_seen_subcommand_from bench" -l benchtime -r
complete -c ncprof -n "__fish_seen_subcommand_from bench" -l count -r
complete -c ncprof -n "__fish_seen_subcommand_from bench" -l benchmem
complete -c ncprof -n "__fish_seen_subcommand_from bench" -l fail-on -r
complete -c ncprof -n "__fish_seen_subcommand_from bench" -l profile -r -a 'cpu mem'
complete -c ncprof -n "__fish_seen_subcommand_from bench" -l against -r -a '(git for-each-ref --format="%(refname:short)" 2>/dev/null)' -d 'Git ref to compare the working tree with'
complete -c ncprof -n "__fish_seen_subcommand_from bench" -l rounds -r -d 'Rounds of each benchmark pair'
complete -c ncprof -n "__fish_seen_subcommand_from bench" -l min-ci -r -d 'Floor of a regression CI'
complete -c ncprof -n "__fish_seen_subcommand_from bench" -l max-alloc-increase -r -d 'Percent more allocs allowed'
complete -c ncprof -n "__fish_seen_subcommand_from bench" -l cpu -r -d 'go test -cpu'
complete -c ncprof -n "__fish_seen_subcommand_from compare-heap" -l html -r -F -d 'Page: where the heap grew'
complete -c ncprof -n "__fish_seen_subcommand_from alerts" -l for -r -d 'How long before an alert fires'
complete -c ncprof -n "__fish_seen_subcommand_from alerts" -l window -r -d 'Range of the growth fits'
complete -c ncprof -n "__fish_seen_subcommand_from alerts" -l horizon -r -d 'How far ahead the heap is predicted'
complete -c ncprof -n "__fish_seen_subcommand_from alerts" -l goroutine-rate -r -d 'Goroutines per second that alert'
complete -c ncprof -n "__fish_seen_subcommand_from alerts" -l heap-limit -r -d 'Heap size predicted past'
complete -c ncprof -n "__fish_seen_subcommand_from alerts" -l capture-errors -r -d 'Share of failing captures'
complete -c ncprof -n "__fish_seen_subcommand_from alerts" -s o -l output -r -F
complete -c ncprof -f -n "__fish_seen_subcommand_from config" -a export -d 'Parca scrape config or Alloy pipeline'
complete -c ncprof -n "__fish_seen_subcommand_from config" -l format -r -a "parca alloy"
complete -c ncprof -n "__fish_seen_subcommand_from config" -l every -r -d 'Scrape interval'
complete -c ncprof -n "__fish_seen_subcommand_from config" -l types -r -d 'Profile types to scrape'
complete -c ncprof -n "__fish_seen_subcommand_from config" -l write-url -r -d 'Pyroscope URL the Alloy pipeline writes to'
complete -c ncprof -n "__fish_seen_subcommand_from config" -s o -l output -r -F
complete -c ncprof -n "__fish_seen_subcommand_from watch" -l every -r -d 'Capture interval'
complete -c ncprof -n "__fish_seen_subcommand_from watch" -l types -r -d 'Profile types (comma-separated)'
complete -c ncprof -n "__fish_seen_subcommand_from watch" -l duration -r -d 'cpu/trace length'
complete -c ncprof -n "__fish_seen_subcommand_from watch" -l out -r -d 'Output directory'
complete -c ncprof -n "__fish_seen_subcommand_from watch" -l keep -r -d 'Files per service and type'
complete -c ncprof -n "__fish_seen_subcommand_from watch" -l keep-for -r -d 'Delete files older than'
complete -c ncprof -n "__fish_seen_subcommand_from watch" -l max-disk -r -d 'Delete the oldest past SIZE'
complete -c ncprof -n "__fish_seen_subcommand_from watch" -l window -r -d 'Leak trend window'
complete -c ncprof -n "__fish_seen_subcommand_from watch" -l min-heap-rate -r -d 'Heap growth floor, SIZE/h'
complete -c ncprof -n "__fish_seen_subcommand_from watch" -l min-goroutine-rate -r -d 'Goroutine growth floor, N/h'
complete -c ncprof -n "__fish_seen_subcommand_from watch" -l alpha -r -d 'Trend significance'
complete -c ncprof -n "__fish_seen_subcommand_from watch" -l listen -r -d 'Serve /metrics on HOST:PORT'
complete -c ncprof -n "__fish_seen_subcommand_from watch" -l push -r -d 'Pyroscope base URL'
complete -c ncprof -n "__fish_seen_subcommand_from watch" -l push-header -r -d 'Header for pushes'
complete -c ncprof -n "__fish_seen_subcommand_from watch" -l workers -r -d 'Captures at once'
complete -c ncprof -n "__fish_seen_subcommand_from watch" -l log-format -r -a "text json"
