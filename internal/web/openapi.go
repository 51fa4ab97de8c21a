package web

import (
	"net/http"
	"regexp"
	"sort"
	"strings"
)

var pathParam = regexp.MustCompile(`\{([a-zA-Z_]+)\}`)

// openAPIDoc describes every API route of the route table as OpenAPI 3.1.
// It is built from the same table the mux is, so the two cannot drift; a
// test checks it anyway.
func (s *Server) openAPIDoc() map[string]any {
	paths := map[string]any{}
	for _, rt := range s.routes {
		if !rt.API {
			continue
		}
		op := map[string]any{
			"summary":     rt.Summary,
			"operationId": operationID(rt),
			"responses": map[string]any{
				"200":     map[string]any{"description": "成功"},
				"default": map[string]any{"description": "错误", "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}},
			},
		}
		if rt.Action == Public {
			op["security"] = []any{}
		} else {
			op["x-liandong-action"] = string(rt.Action)
		}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(rt.Path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if rt.Method == http.MethodPost {
			op["requestBody"] = requestBodyFor(rt.Path)
		}
		item, _ := paths[rt.Path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.Path] = item
		}
		item[strings.ToLower(rt.Method)] = op
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "周口市法院公安执行协作联动平台 API",
			"version":     s.cfg.Version,
			"description": "错误统一为 {\"error\": {\"code\", \"message\", \"field\"}}；message 为中文。登录后用 Authorization: Bearer <token>，或会话 Cookie 加 X-CSRF-Token。",
		},
		"paths":    paths,
		"security": []any{map[string]any{"bearer": []any{}}, map[string]any{"cookie": []any{}}},
		"components": map[string]any{
			"securitySchemes": map[string]any{
				"bearer": map[string]any{"type": "http", "scheme": "bearer"},
				"cookie": map[string]any{"type": "apiKey", "in": "cookie", "name": sessionCookie},
			},
			"schemas": map[string]any{
				"Error": map[string]any{
					"type":     "object",
					"required": []string{"error"},
					"properties": map[string]any{"error": map[string]any{
						"type":     "object",
						"required": []string{"code", "message"},
						"properties": map[string]any{
							"code":    map[string]any{"type": "string"},
							"message": map[string]any{"type": "string"},
							"field":   map[string]any{"type": "string"},
						},
					}},
				},
			},
		},
	}
}

func requestBodyFor(path string) map[string]any {
	if path == "/api/v1/documents" {
		return map[string]any{"required": true, "content": map[string]any{"multipart/form-data": map[string]any{"schema": map[string]any{
			"type": "object", "required": []string{"file", "case_number"},
			"properties": map[string]any{"file": map[string]any{"type": "string", "contentMediaType": "application/octet-stream"}, "case_number": map[string]any{"type": "string"}},
		}}}}
	}
	if path == "/api/v1/credit/imports" {
		return map[string]any{"required": true, "content": map[string]any{"multipart/form-data": map[string]any{"schema": map[string]any{
			"type": "object", "required": []string{"file"},
			"properties": map[string]any{
				"file":         map[string]any{"type": "string", "contentMediaType": "application/octet-stream", "description": "名单文件（CSV 或 JSON Lines，docs/credit.md）"},
				"format":       map[string]any{"type": "string", "enum": []string{"csv", "jsonl"}, "description": "不填按文件名判断"},
				"skip_invalid": map[string]any{"type": "boolean", "description": "跳过有问题的行，只导入合格的行（默认整份拒绝）"},
			},
		}}}}
	}
	return map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object"}}}}
}

// operationID turns "GET /api/v1/verify/{code}" into "get_v1_verify_code".
func operationID(rt route) string {
	p := strings.TrimPrefix(rt.Path, "/api/")
	p = strings.NewReplacer("{", "", "}", "", "/", "_", "-", "_", ".", "_", "$", "").Replace(p)
	return strings.ToLower(rt.Method) + "_" + strings.Trim(p, "_")
}

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request, rq *request) error {
	writeJSON(w, http.StatusOK, s.openAPIDoc())
	return nil
}

// apiPaths lists "METHOD path" of the API routes, sorted, for tests.
func (s *Server) apiPaths() []string {
	var out []string
	for _, rt := range s.routes {
		if rt.API {
			out = append(out, rt.Method+" "+rt.Path)
		}
	}
	sort.Strings(out)
	return out
}
