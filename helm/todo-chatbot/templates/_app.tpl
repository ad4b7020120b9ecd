{{/*
The Deployment of one app component (backend or frontend). What differs between the two lives in
"todo-chatbot.<component>.*" below; everything else (rollout, security, probes, resources) is shared so the
two cannot drift apart.
Usage: include "todo-chatbot.appDeployment" (list $ "backend")
*/}}
{{- define "todo-chatbot.appDeployment" -}}
{{- $ctx := index . 0 }}
{{- $component := index . 1 }}
{{- $values := index $ctx.Values $component }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "todo-chatbot.componentName" (list $ctx $component) }}
  labels:
    {{- include "todo-chatbot.labels" (list $ctx $component) | nindent 4 }}
spec:
  {{- if not $values.autoscaling.enabled }}
  replicas: {{ $values.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "todo-chatbot.selectorLabels" (list $ctx $component) | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      # Start every new pod before stopping an old one: no moment with fewer ready pods, and the pods start
      # together (two replicas rolled in 3.4 s instead of 6.2 s with one at a time: docs/benchmarks.md). A node
      # without room for them all schedules the rest as old pods leave.
      maxUnavailable: 0
      maxSurge: 100%
  template:
    metadata:
      labels:
        {{- include "todo-chatbot.labels" (list $ctx $component) | nindent 8 }}
      {{- $annotations := merge (fromYaml (include (printf "todo-chatbot.%s.annotations" $component) $ctx)) (default (dict) $values.podAnnotations) }}
      {{- with $annotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    spec:
      {{- include "todo-chatbot.podDefaults" (list $ctx $values.runAsUser) | nindent 6 }}
      {{- with include (printf "todo-chatbot.%s.initContainers" $component) $ctx }}
      initContainers:
        {{- . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ $component }}
          image: {{ include "todo-chatbot.image" (list $ctx $values.image (printf "%s.image" $component)) | quote }}
          imagePullPolicy: {{ $values.image.pullPolicy }}
          ports:
            - name: http
              containerPort: {{ $values.port }}
              protocol: TCP
          {{- include (printf "todo-chatbot.%s.env" $component) $ctx | nindent 10 }}
          startupProbe:
            {{- toYaml $values.startupProbe | nindent 12 }}
          livenessProbe:
            {{- toYaml $values.livenessProbe | nindent 12 }}
          readinessProbe:
            {{- toYaml $values.readinessProbe | nindent 12 }}
          {{- with $ctx.Values.preStopSleepSeconds }}
          # Keep serving while the endpoints update, then SIGTERM (Kubernetes' sleep action needs no binary).
          lifecycle:
            preStop:
              sleep:
                seconds: {{ . }}
          {{- end }}
          resources:
            {{- toYaml $values.resources | nindent 12 }}
          securityContext:
            {{- include "todo-chatbot.containerSecurityContext" $values.runAsUser | nindent 12 }}
          volumeMounts:
            # The root filesystem is read-only; these are the only writable paths.
            - name: tmp
              mountPath: /tmp
            {{- with include (printf "todo-chatbot.%s.volumeMounts" $component) $ctx }}
            {{- . | nindent 12 }}
            {{- end }}
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
        {{- with include (printf "todo-chatbot.%s.volumes" $component) $ctx }}
        {{- . | nindent 8 }}
        {{- end }}
      {{- with include "todo-chatbot.scheduling" $values }}
      {{- . | nindent 6 }}
      {{- end }}
{{- end }}

{{/* ---------- backend ---------- */}}

{{- define "todo-chatbot.backend.annotations" -}}
# Roll the pods when the settings change (env from a ConfigMap is only read at start).
checksum/config: {{ include (print .Template.BasePath "/configmap.yaml") . | sha256sum }}
{{- end }}

{{- define "todo-chatbot.backend.initContainers" -}}
{{- if and (not .Values.database.external) .Values.postgresql.waitForDatabase.enabled -}}
- name: wait-for-database
  image: {{ include "todo-chatbot.image" (list . .Values.postgresql.image "postgresql.image") | quote }}
  imagePullPolicy: {{ .Values.postgresql.image.pullPolicy }}
  command:
    - sh
    - -c
    - until pg_isready --quiet --host="$PGHOST" --port={{ .Values.postgresql.port }}; do echo "waiting for $PGHOST"; sleep 2; done
  env:
    - name: PGHOST
      value: {{ include "todo-chatbot.componentName" (list . "postgresql") }}
    # libpq otherwise looks the user up by uid, which has no passwd entry in the image: "no attempt" forever.
    - name: PGUSER
      value: {{ .Values.postgresql.auth.username | quote }}
  resources:
    {{- toYaml .Values.postgresql.waitForDatabase.resources | nindent 4 }}
  securityContext:
    {{- include "todo-chatbot.containerSecurityContext" .Values.backend.runAsUser | nindent 4 }}
{{- end }}
{{- end }}

{{- define "todo-chatbot.backend.env" -}}
envFrom:
  - configMapRef:
      name: {{ include "todo-chatbot.componentName" (list . "config") }}
env:
  {{- include "todo-chatbot.secretEnv" (list "DATABASE_URL" (include "todo-chatbot.databaseSecretRef" .)) | nindent 2 }}
  {{- include "todo-chatbot.secretEnv" (list "BETTER_AUTH_SECRET" (include "todo-chatbot.authSecretRef" .)) | nindent 2 }}
  {{- with include "todo-chatbot.llmSecretRef" . }}
  {{- include "todo-chatbot.secretEnv" (list "LLM_API_KEY" .) | nindent 2 }}
  {{- end }}
{{- end }}

{{- define "todo-chatbot.backend.volumeMounts" -}}
{{- end }}

{{- define "todo-chatbot.backend.volumes" -}}
{{- end }}

{{/* ---------- frontend ---------- */}}

{{- define "todo-chatbot.frontend.annotations" -}}
{{- /* None: the frontend's settings are plain env, so a change edits the pod template by itself. */ -}}
{{- end }}

{{- define "todo-chatbot.frontend.initContainers" -}}
{{- end }}

{{- define "todo-chatbot.frontend.env" -}}
env:
  - name: NODE_ENV
    value: production
  - name: PORT
    value: {{ .Values.frontend.port | quote }}
  - name: HOSTNAME
    value: 0.0.0.0
  # Read at request time by the /api proxy.
  - name: BACKEND_URL
    value: {{ include "todo-chatbot.backendUrl" . }}
  - name: NEXT_TELEMETRY_DISABLED
    value: "1"
{{- end }}

{{- define "todo-chatbot.frontend.volumeMounts" -}}
# Next.js writes its image and fetch cache here.
- name: next-cache
  mountPath: /app/.next/cache
{{- end }}

{{- define "todo-chatbot.frontend.volumes" -}}
- name: next-cache
  emptyDir:
    sizeLimit: 256Mi
{{- end }}
