{{/*
Chart name, for the app.kubernetes.io/name label.
*/}}
{{- define "todo-chatbot.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Prefix of every object name: the release name (not release-chart), so objects are <release>-backend etc.
*/}}
{{- define "todo-chatbot.fullname" -}}
{{- default .Release.Name .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Name of one component's objects: <fullname>-<component>, at most 63 characters (a DNS label). The prefix is
cut, never the suffix, so two components cannot end up with the same name. StatefulSet names get 52: the
controller adds an 11-character revision hash to a label value that must stay within 63.
Usage: include "todo-chatbot.componentName" (list $ "backend")
*/}}
{{- define "todo-chatbot.componentName" -}}
{{- $ctx := index . 0 }}
{{- $component := index . 1 }}
{{- $max := ternary 52 63 (eq $component "postgresql") }}
{{- $prefix := include "todo-chatbot.fullname" $ctx | trunc (int (sub $max (add1 (len $component)))) | trimSuffix "-" }}
{{- printf "%s-%s" $prefix $component }}
{{- end }}

{{/*
Labels that select a component's pods. Never add changing values here: selectors are immutable.
Usage: include "todo-chatbot.selectorLabels" (list $ "backend")
*/}}
{{- define "todo-chatbot.selectorLabels" -}}
{{- $ctx := index . 0 -}}
app.kubernetes.io/name: {{ include "todo-chatbot.name" $ctx }}
app.kubernetes.io/instance: {{ $ctx.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end }}

{{/*
All labels of a component's objects.
Usage: include "todo-chatbot.labels" (list $ "backend")
*/}}
{{- define "todo-chatbot.labels" -}}
{{- $ctx := index . 0 -}}
helm.sh/chart: {{ printf "%s-%s" $ctx.Chart.Name $ctx.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "todo-chatbot.selectorLabels" . }}
app.kubernetes.io/part-of: todo-chatbot
app.kubernetes.io/managed-by: {{ $ctx.Release.Service }}
app.kubernetes.io/version: {{ $ctx.Chart.AppVersion | trunc 63 | trimSuffix "-" | quote }}
{{- end }}

{{/*
repository:tag of an image value; the tag defaults to the chart's appVersion. A moving `latest` tag is refused
here (and not in the schema) so the message can say what to do. The program and the policy pack share one
JavaScript copy of this rule (policy/image-tag.cjs, unfixedTag); a plain `helm install` cannot call it, so the chart
keeps this one.
Usage: include "todo-chatbot.image" (list $ .Values.backend.image "backend.image")
*/}}
{{- define "todo-chatbot.image" -}}
{{- $ctx := index . 0 }}
{{- $image := index . 1 }}
{{- $tag := toString (default $ctx.Chart.AppVersion $image.tag) }}
{{- if eq $tag "latest" }}
{{- fail (printf "%s.tag is \"latest\": use a fixed tag (the default is the chart's appVersion %s) so pods never run an unknown build" (index . 2) $ctx.Chart.AppVersion) }}
{{- end }}
{{- printf "%s:%s" $image.repository $tag }}
{{- end }}

{{/*
Pod-level security context (restricted Pod Security Standard). The user is a value; the rest is fixed.
Usage: include "todo-chatbot.podSecurityContext" 1001
*/}}
{{- define "todo-chatbot.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ . }}
runAsGroup: {{ . }}
fsGroup: {{ . }}
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/*
Pod-spec fields every pod of the chart shares (app pods, PostgreSQL, the test pod): no API token, no service
links, the restricted security context, pull secrets.
Usage: include "todo-chatbot.podDefaults" (list $ 1001)
*/}}
{{- define "todo-chatbot.podDefaults" -}}
{{- $ctx := index . 0 -}}
automountServiceAccountToken: false
# Service links would add *_PORT/*_HOST variables for every Service in the namespace.
enableServiceLinks: false
securityContext:
  {{- include "todo-chatbot.podSecurityContext" (index . 1) | nindent 2 }}
{{- with $ctx.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/*
Container-level security context (restricted): also set per container so each one passes on its own.
Usage: include "todo-chatbot.containerSecurityContext" 1001
*/}}
{{- define "todo-chatbot.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ . }}
runAsGroup: {{ . }}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/*
Where DATABASE_URL comes from: the external Secret, the chart's Secret from database.url, the referenced
PostgreSQL Secret, or the chart's generated PostgreSQL Secret. Output: "name key".
*/}}
{{- define "todo-chatbot.databaseSecretRef" -}}
{{- if .Values.database.external }}
{{- if .Values.database.existingSecret }}
{{- printf "%s %s" .Values.database.existingSecret .Values.database.existingSecretKey }}
{{- else }}
{{- printf "%s DATABASE_URL" (include "todo-chatbot.componentName" (list . "database")) }}
{{- end }}
{{- else if .Values.postgresql.auth.existingSecret }}
{{- printf "%s %s" .Values.postgresql.auth.existingSecret .Values.postgresql.auth.urlKey }}
{{- else }}
{{- printf "%s DATABASE_URL" (include "todo-chatbot.componentName" (list . "postgresql")) }}
{{- end }}
{{- end }}

{{/*
Where BETTER_AUTH_SECRET comes from: the existing Secret, or the chart's <release>-auth. Output: "name key".
*/}}
{{- define "todo-chatbot.authSecretRef" -}}
{{- if .Values.auth.existingSecret }}
{{- printf "%s %s" .Values.auth.existingSecret .Values.auth.existingSecretKey }}
{{- else }}
{{- printf "%s BETTER_AUTH_SECRET" (include "todo-chatbot.componentName" (list . "auth")) }}
{{- end }}
{{- end }}

{{/*
Where LLM_API_KEY comes from; empty when no key is configured (the backend then runs its offline agent).
*/}}
{{- define "todo-chatbot.llmSecretRef" -}}
{{- if .Values.llm.existingSecret }}
{{- printf "%s %s" .Values.llm.existingSecret .Values.llm.existingSecretKey }}
{{- else if .Values.llm.apiKey }}
{{- printf "%s LLM_API_KEY" (include "todo-chatbot.componentName" (list . "llm")) }}
{{- end }}
{{- end }}

{{/*
An env entry read from a Secret. Usage: include "todo-chatbot.secretEnv" (list "DATABASE_URL" "name key")
*/}}
{{- define "todo-chatbot.secretEnv" -}}
{{- $ref := splitList " " (index . 1) -}}
- name: {{ index . 0 }}
  valueFrom:
    secretKeyRef:
      name: {{ index $ref 0 }}
      key: {{ index $ref 1 }}
{{- end }}

{{/*
A value kept stable across upgrades: the given value, else the one already stored in the release's Secret
(looked up in the cluster; `helm template` has no cluster and gets a fresh one), else a new random string.
Usage: include "todo-chatbot.stableSecret" (list $ "<secret name>" "<key>" "<given value>")
*/}}
{{- define "todo-chatbot.stableSecret" -}}
{{- $ctx := index . 0 }}
{{- $given := index . 3 }}
{{- if $given }}
{{- $given }}
{{- else }}
{{- $existing := lookup "v1" "Secret" $ctx.Release.Namespace (index . 1) }}
{{- $stored := "" }}
{{- if and $existing $existing.data }}
{{- $stored = index $existing.data (index . 2) | default "" | b64dec }}
{{- end }}
{{- default (randAlphaNum 48) $stored }}
{{- end }}
{{- end }}

{{/*
The URL users open: publicUrl, else the Ingress host, else localhost:3000 (port-forward).
*/}}
{{- define "todo-chatbot.publicUrl" -}}
{{- if .Values.publicUrl }}
{{- .Values.publicUrl | trimSuffix "/" }}
{{- else if .Values.ingress.enabled }}
{{- printf "%s://%s" (ternary "https" "http" (gt (len .Values.ingress.tls) 0)) .Values.ingress.host }}
{{- else }}
{{- print "http://localhost:3000" }}
{{- end }}
{{- end }}

{{/*
The backend's in-cluster URL, used by the frontend's /api proxy and by the test pod.
*/}}
{{- define "todo-chatbot.backendUrl" -}}
{{- printf "http://%s:%v" (include "todo-chatbot.componentName" (list . "backend")) .Values.backend.port }}
{{- end }}

{{/*
Pod scheduling fields shared by every workload. Usage: include "todo-chatbot.scheduling" .Values.backend
*/}}
{{- define "todo-chatbot.scheduling" -}}
{{- with .nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}
