#!/usr/bin/env bash
# Measures what constrained decoding costs per generated token on the built-in model: free text (the
# baseline), JSON mode (response_format json_object), a JSON schema sent before (its allowed-token
# sets cached), a JSON schema never seen (a new maxLength each time, so every state is computed), a
# new schema with patterns and formats (their automata compiled per request), a new guided regex
# (structured_outputs.regex) and a new GBNF grammar (structured_outputs.grammar: a stack recognizer,
# no automaton). Each round sends the seven kinds in turn (greedy, the same chat prompt) and the report gives the
# median milliseconds per completion token and the ratio to free text.
# Usage: server/bench/structured-outputs.sh   (after `mvn -B install -DskipTests`)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
PORT="${PORT:-18183}"
ROUNDS="${ROUNDS:-9}"

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2)}'; }

java --add-modules jdk.incubator.vector -Dai.djl.offline=true -Dquarkus.http.port="$PORT" \
  -jar "$ROOT/server/target/quarkus-app/quarkus-run.jar" > "${TMPDIR:-/tmp}/structured-outputs-bench.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2> /dev/null || true' EXIT
until curl -sf "localhost:$PORT/q/health/ready" > /dev/null; do sleep 1; done

schema() { # $1 = maxLength of the strings
  echo "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"maxLength\":$1},\"born_in\":{\"type\":\"string\",\"maxLength\":$1},\"year\":{\"type\":\"integer\"},\"employer\":{\"type\":\"string\",\"maxLength\":$1},\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"maxLength\":8},\"maxItems\":3}},\"required\":[\"name\",\"born_in\",\"year\",\"employer\",\"tags\"],\"additionalProperties\":false}"
}

send() { # $1 = extra JSON fields; prints ms per completion token
  local body="{\"model\":\"shallows-tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about Stefan Kingsley.\"}],\"max_tokens\":120,\"temperature\":0$1}"
  local out
  out=$(curl -sf -w '\n%{time_total}' "localhost:$PORT/v1/chat/completions" -H 'Content-Type: application/json' -d "$body")
  local tokens seconds
  tokens=$(head -n 1 <<< "$out" | grep -o '"completion_tokens":[0-9]*' | cut -d: -f2)
  seconds=$(tail -n 1 <<< "$out")
  awk -v s="$seconds" -v t="$tokens" 'BEGIN {printf "%.3f\n", s * 1000 / t}'
}

patterned() { # $1 = a count that makes the schema new
  echo "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"pattern\":\"^[A-Z][a-z]{1,$1} [A-Z][a-z]{1,12}\$\"},\"born\":{\"type\":\"string\",\"format\":\"date\"},\"email\":{\"type\":\"string\",\"format\":\"email\",\"maxLength\":$((20 + $1))},\"year\":{\"type\":\"integer\",\"minimum\":1900,\"maximum\":2030}},\"required\":[\"name\",\"born\",\"email\",\"year\"],\"additionalProperties\":false}"
}

json_string() { # $1 as the body of a JSON string
  printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' | awk '{printf "%s\\n", $0}'
}

grammar() { # $1 = a count that makes the grammar new
  json_string "root ::= (\"He\" | \"She\") \" was born in \" list \" in \" year \".\"
list ::= city (\", \" list)?
city ::= [A-Z] [a-z]{2,$1}
year ::= \"1\" [89] [0-9] [0-9]"
}

warm_format=",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"person\",\"schema\":$(schema 30)}}"
send "" > /dev/null; send "$warm_format" > /dev/null # JIT warm-up and the warm schema's first use
text=() mode=() warm=() cold=() pat=() regex=() gbnf=()
for round in $(seq "$ROUNDS"); do
  text+=("$(send "")")
  mode+=("$(send ",\"response_format\":{\"type\":\"json_object\"}")")
  warm+=("$(send "$warm_format")")
  cold+=("$(send ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"p$round\",\"schema\":$(schema $((40 + round)))}}")")
  pat+=("$(send ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"q$round\",\"schema\":$(patterned $((8 + round)))}}")")
  regex+=("$(send ",\"structured_outputs\":{\"regex\":\"(He|She) (was|is) [a-z ]{1,$((30 + round))}\\\\.\"}")")
  gbnf+=("$(send ",\"structured_outputs\":{\"grammar\":\"$(grammar $((12 + round)))\"}")")
done
t=$(printf '%s\n' "${text[@]}" | median)
report() { printf '%-34s %7.2f ms/token  %.2fx\n' "$1" "$2" "$(awk -v a="$2" -v b="$t" 'BEGIN {print a / b}')"; }
echo "median of $ROUNDS rounds, built-in model, greedy, up to 120 tokens"
report "free text (baseline)" "$t"
report "json_object" "$(printf '%s\n' "${mode[@]}" | median)"
report "json_schema, seen before" "$(printf '%s\n' "${warm[@]}" | median)"
report "json_schema, new each time" "$(printf '%s\n' "${cold[@]}" | median)"
report "json_schema + patterns/formats, new" "$(printf '%s\n' "${pat[@]}" | median)"
report "guided regex, new each time" "$(printf '%s\n' "${regex[@]}" | median)"
report "GBNF grammar, new each time" "$(printf '%s\n' "${gbnf[@]}" | median)"
