/// The API description served at `/openapi.yaml`.
///
/// Written by hand, and kept in a Swift string rather than a resource so the
/// binary carries it wherever it is copied. `OpenAPITests` fails when a path
/// and method here has no route or a route is missing here, and when the
/// status codes listed for an operation differ from the ones the tests
/// produce.
enum OpenAPIDocument {
    static let yaml = #"""
        openapi: 3.1.0
        info:
          title: TriageKit API
          version: 0.1.0
          summary: Incident triage by rule packs.
          description: >
            Create incidents, triage them (severity, specialist agents) and read the
            evidence behind each triage. Classification is done by a YAML rule pack;
            every triage names the pack (name, version, content hash) that made it.
        servers:
          - url: http://127.0.0.1:8080
        security:
          - bearer: []
        paths:
          /v1/incidents/chat:
            post:
              operationId: createIncident
              summary: Create an incident by hand.
              description: Requires role admin, owner or operator. Spends one event of the organisation's monthly quota.
              requestBody:
                required: true
                content:
                  application/json:
                    schema: { $ref: '#/components/schemas/CreateIncidentRequest' }
              responses:
                '201':
                  description: The incident was created.
                  content:
                    application/json:
                      schema: { $ref: '#/components/schemas/IncidentCreated' }
                '400': { $ref: '#/components/responses/ValidationError' }
                '401': { $ref: '#/components/responses/Unauthorized' }
                '403': { $ref: '#/components/responses/Forbidden' }
                '413': { $ref: '#/components/responses/PayloadTooLarge' }
                '415': { $ref: '#/components/responses/UnsupportedMediaType' }
                '429':
                  description: The organisation's monthly event quota has been reached (`event_quota_exceeded`).
                  content:
                    application/json:
                      schema: { $ref: '#/components/schemas/Error' }
                '500': { $ref: '#/components/responses/InternalError' }
          /v1/triage/{incidentId}:
            parameters:
              - $ref: '#/components/parameters/IncidentId'
            post:
              operationId: startTriage
              summary: Triage an incident.
              description: >
                Requires role admin or member. Classifies the incident and stores the
                result (201). If the incident already has a completed triage, returns it
                unchanged (200) without classifying again or spending quota. A failed
                triage is run again.
              requestBody:
                required: false
                content:
                  application/json:
                    schema: { $ref: '#/components/schemas/StartTriageRequest' }
              responses:
                '200':
                  description: The incident's existing triage.
                  content:
                    application/json:
                      schema: { $ref: '#/components/schemas/Triage' }
                '201':
                  description: Triage ran and completed.
                  content:
                    application/json:
                      schema: { $ref: '#/components/schemas/Triage' }
                '400': { $ref: '#/components/responses/ValidationError' }
                '401': { $ref: '#/components/responses/Unauthorized' }
                '403': { $ref: '#/components/responses/Forbidden' }
                '404': { $ref: '#/components/responses/IncidentNotFound' }
                '409':
                  description: Triage is already in progress for this incident (`triage_already_running`).
                  content:
                    application/json:
                      schema: { $ref: '#/components/schemas/Error' }
                '413': { $ref: '#/components/responses/PayloadTooLarge' }
                '415': { $ref: '#/components/responses/UnsupportedMediaType' }
                '429':
                  description: The organisation's monthly investigation quota is exhausted (`quota_exceeded`).
                  content:
                    application/json:
                      schema: { $ref: '#/components/schemas/Error' }
                '500':
                  description: Triage failed (`triage_error`); the triage is marked failed and its quota given back.
                  content:
                    application/json:
                      schema: { $ref: '#/components/schemas/Error' }
            get:
              operationId: getTriage
              summary: The incident's triage.
              description: Requires role admin or member.
              responses:
                '200':
                  description: The triage.
                  content:
                    application/json:
                      schema: { $ref: '#/components/schemas/Triage' }
                '401': { $ref: '#/components/responses/Unauthorized' }
                '403': { $ref: '#/components/responses/Forbidden' }
                '404':
                  description: No such incident in the caller's organisation (`incident_not_found`), or it has not been triaged (`triage_not_found`).
                  content:
                    application/json:
                      schema: { $ref: '#/components/schemas/Error' }
                '500': { $ref: '#/components/responses/TriageError' }
          /v1/triage/{incidentId}/evidence:
            parameters:
              - $ref: '#/components/parameters/IncidentId'
            get:
              operationId: getEvidence
              summary: The evidence collected during triage.
              description: >
                Requires role admin or member. The rules that fired, where they matched
                (UTF-8 byte offsets into each field), what each contributed, the severity
                decision (the rules' severity beside any priority override), near misses,
                and the pack's name, version and hash.
              responses:
                '200':
                  description: The evidence.
                  content:
                    application/json:
                      schema: { $ref: '#/components/schemas/Evidence' }
                '401': { $ref: '#/components/responses/Unauthorized' }
                '403': { $ref: '#/components/responses/Forbidden' }
                '404':
                  description: No such incident (`incident_not_found`), no triage (`triage_not_found`), or a triage that did not complete (`evidence_not_found`).
                  content:
                    application/json:
                      schema: { $ref: '#/components/schemas/Error' }
                '500': { $ref: '#/components/responses/TriageError' }
          /v1/admin/reload:
            post:
              operationId: reloadPack
              summary: Read the rule pack again.
              description: >
                Requires role admin. Requests in flight finish with the pack they
                started with. A pack with errors is not loaded and the one in use stays.
              responses:
                '200':
                  description: The pack now in use, and the one before.
                  content:
                    application/json:
                      schema: { $ref: '#/components/schemas/Reload' }
                '401': { $ref: '#/components/responses/Unauthorized' }
                '403': { $ref: '#/components/responses/Forbidden' }
                '422':
                  description: The pack has errors (`pack_invalid`); nothing changed.
                  content:
                    application/json:
                      schema: { $ref: '#/components/schemas/Error' }
          /healthz:
            get:
              operationId: health
              summary: Liveness, and the pack in use.
              security: []
              responses:
                '200':
                  description: The server is up.
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [status, pack]
                        properties:
                          status: { type: string, const: ok }
                          pack: { $ref: '#/components/schemas/Pack' }
          /metrics:
            get:
              operationId: metrics
              summary: Prometheus metrics.
              security: []
              responses:
                '200':
                  description: Prometheus text exposition format 0.0.4.
                  content:
                    text/plain:
                      schema: { type: string }
          /openapi.yaml:
            get:
              operationId: openAPI
              summary: This document.
              security: []
              responses:
                '200':
                  description: OpenAPI 3.1, YAML.
                  content:
                    application/yaml:
                      schema: { type: string }
        components:
          securitySchemes:
            bearer:
              type: http
              scheme: bearer
              bearerFormat: JWT
              description: >
                HS256 tokens with claims `role` (admin, owner, operator or member), `org`
                (the organisation whose incidents the caller sees), `exp` (required),
                and optionally `nbf`, `iat` and `sub`. `triage token` prints one.
          parameters:
            IncidentId:
              name: incidentId
              in: path
              required: true
              description: The incident's id, `inc_` followed by a ULID.
              schema: { type: string, examples: [inc_01HX9VTPQR3KF8MZWBYD5N6JCE] }
          responses:
            ValidationError:
              description: A field is missing or fails validation, or the body is not JSON (`validation_error`); the message names the field and why.
              content:
                application/json:
                  schema: { $ref: '#/components/schemas/Error' }
            Unauthorized:
              description: No bearer token, or one that is malformed, not HS256, wrongly signed, expired or not yet valid (`unauthorized`).
              content:
                application/json:
                  schema: { $ref: '#/components/schemas/Error' }
            Forbidden:
              description: The token's role may not do this (`forbidden`).
              content:
                application/json:
                  schema: { $ref: '#/components/schemas/Error' }
            IncidentNotFound:
              description: No incident with this id in the caller's organisation (`incident_not_found`).
              content:
                application/json:
                  schema: { $ref: '#/components/schemas/Error' }
            PayloadTooLarge:
              description: The body is over the configured limit (`payload_too_large`).
              content:
                application/json:
                  schema: { $ref: '#/components/schemas/Error' }
            UnsupportedMediaType:
              description: The body is not sent as application/json (`unsupported_media_type`).
              content:
                application/json:
                  schema: { $ref: '#/components/schemas/Error' }
            TriageError:
              description: The triage store failed (`triage_error`).
              content:
                application/json:
                  schema: { $ref: '#/components/schemas/Error' }
            InternalError:
              description: The server failed (`internal_error`).
              content:
                application/json:
                  schema: { $ref: '#/components/schemas/Error' }
          schemas:
            Error:
              type: object
              required: [error]
              properties:
                error:
                  type: object
                  required: [code, message]
                  properties:
                    code: { type: string, examples: [validation_error] }
                    message: { type: string }
            Severity:
              type: string
              enum: [critical, high, medium, low, info]
            Pack:
              type: object
              required: [name, version, hash]
              properties:
                name: { type: string }
                version: { type: string }
                hash: { type: string, description: "sha256: of the pack's files" }
            CreateIncidentRequest:
              type: object
              required: [title, description]
              properties:
                title:
                  type: string
                  # 1 to 200 code points once spaces, tabs, CRs and LFs are trimmed from
                  # both ends (200 is the default of --max-title-length); no NUL.
                  pattern: '^[ \t\r\n]*[^ \t\r\n\x00]([^\x00]{0,198}[^ \t\r\n\x00])?[ \t\r\n]*$'
                  description: >
                    1 to 200 characters (Unicode code points) once spaces, tabs, CRs and LFs
                    are trimmed from both ends; the limit is configurable. No NUL characters.
                description:
                  type: string
                  # 10 to 4000 code points once trimmed as the title is; no NUL.
                  pattern: '^[ \t\r\n]*[^ \t\r\n\x00][^\x00]{8,3998}[^ \t\r\n\x00][ \t\r\n]*$'
                  description: >
                    10 to 4000 characters (Unicode code points) once spaces, tabs, CRs and LFs
                    are trimmed from both ends. No NUL characters.
            IncidentCreated:
              type: object
              required: [incidentId, title, severity, status, source, investigationsRemaining, eventsRemaining]
              properties:
                incidentId: { type: string, examples: [inc_01HX9VTPQR3KF8MZWBYD5N6JCE] }
                title: { type: string }
                severity: { type: string, const: medium }
                status: { type: string, const: open }
                source: { type: string, const: manual }
                investigationsRemaining: { type: integer, minimum: 0 }
                eventsRemaining: { type: integer, minimum: 0 }
            StartTriageRequest:
              type: object
              properties:
                priority:
                  type: [string, 'null']
                  enum: [critical, high, medium, low, null]
                  description: Overrides the classifier's severity; the evidence records both. Null is the same as absent.
                context:
                  type: [string, 'null']
                  maxLength: 4000
                  pattern: '^[^\x00]*$'
                  description: >
                    Free text given to the classifier as the incident's context field, at most
                    4000 characters (Unicode code points). Null is the same as absent. No NUL
                    characters.
            Triage:
              type: object
              required: [triageId, incidentId, status, classifiedSeverity, assignedAgents, startedAt]
              properties:
                triageId: { type: string, examples: [tri_01HX9VTPQR3KF8MZWBYD5N6JCE] }
                incidentId: { type: string }
                status: { type: string, enum: [running, completed, failed] }
                classifiedSeverity:
                  oneOf:
                    - $ref: '#/components/schemas/Severity'
                    - type: 'null'
                assignedAgents: { type: array, items: { type: string } }
                startedAt: { type: string, format: date-time }
                priority:
                  description: The priority override given when the triage started.
                  oneOf:
                    - $ref: '#/components/schemas/Severity'
                    - type: 'null'
                completedAt: { type: [string, 'null'], format: date-time }
                pack:
                  description: The pack that classified the incident.
                  oneOf:
                    - $ref: '#/components/schemas/Pack'
                    - type: 'null'
                failure: { type: string, description: Why a failed triage failed. }
            Evidence:
              type: object
              required: [triageId, incidentId, classifiedSeverity, ruleSeverity, priority, assignedAgents, pack, evidence]
              properties:
                triageId: { type: string }
                incidentId: { type: string }
                classifiedSeverity: { $ref: '#/components/schemas/Severity' }
                ruleSeverity:
                  description: What the rules decided, before any priority override.
                  $ref: '#/components/schemas/Severity'
                priority:
                  oneOf:
                    - $ref: '#/components/schemas/Severity'
                    - type: 'null'
                assignedAgents: { type: array, items: { type: string } }
                pack: { $ref: '#/components/schemas/Pack' }
                evidence:
                  type: object
                  description: The same form as `triage classify --evidence` prints.
                  required: [pack, decision, agents, rules, nearMisses]
                  properties:
                    pack: { $ref: '#/components/schemas/Pack' }
                    decision:
                      type: object
                      description: >
                        score, defaulted, byScore, threshold, floor, ceiling, override (a
                        rule's), callerOverride (the priority), final, and steps in words.
                    agents:
                      type: array
                      items:
                        type: object
                        properties:
                          id: { type: string }
                          weight: { type: number }
                    rules:
                      type: array
                      items: { $ref: '#/components/schemas/RuleEvidence' }
                    nearMisses:
                      type: array
                      items: { $ref: '#/components/schemas/RuleEvidence' }
            RuleEvidence:
              type: object
              required: [id, description, matches]
              properties:
                id: { type: string }
                description: { type: string }
                contribution: { type: number }
                titleMatched: { type: boolean }
                agents:
                  type: array
                  items:
                    type: object
                    properties:
                      id: { type: string }
                      weight: { type: number }
                matches:
                  type: array
                  items:
                    type: object
                    required: [pattern, field, start, end, text]
                    properties:
                      pattern: { type: string }
                      field: { type: string, enum: [title, description, context] }
                      start: { type: integer, description: UTF-8 byte offset in the field }
                      end: { type: integer }
                      text: { type: string }
                      excluded: { type: boolean }
            Reload:
              type: object
              required: [pack, previous, changed]
              properties:
                pack: { $ref: '#/components/schemas/Pack' }
                previous: { $ref: '#/components/schemas/Pack' }
                changed: { type: boolean }
        """#
}
