-- Headless Neovim (0.7+) drives keras-lint's language server over stdio on the file given on the
-- command line: wait for the rule's diagnostic, ask for the hover on it, ask for code actions, apply
-- the preferred quick fix to the buffer, wait until the server drops the diagnostic, write the file.
-- Everything observed goes as JSON to $KL_OUT; the runner (test/e2e/scenarios/headless.mjs) asserts on it.
-- Exit code 0 when the flow ran to the end, 1 on error or timeout.
--
-- env: KL_SERVER_CMD (JSON array), KL_RULE (e.g. KL002), KL_OUT, KL_TIMEOUT_MS (default 30000)
local json_encode = (vim.json and vim.json.encode) or vim.fn.json_encode
local json_decode = (vim.json and vim.json.decode) or vim.fn.json_decode
local uv = vim.uv or vim.loop

local out_path = os.getenv('KL_OUT') or 'nvim-lsp-check.json'
local timeout_ms = tonumber(os.getenv('KL_TIMEOUT_MS') or '30000')

-- the python ftplugin probes for a Python 3 provider (pynvim), which costs about 4 s here
vim.g.loaded_python3_provider = 0

local v = vim.version()
local result = { editor = 'nvim', version = v.major .. '.' .. v.minor .. '.' .. v.patch, timings_ms = {} }
local started = uv.hrtime()
local function ms() return math.floor((uv.hrtime() - started) / 1e6) end
local function mark(step) result.timings_ms[step] = ms() end

local done = false
local function finish(ok, why)
  if done then return end
  done = true
  result.ok = ok
  result.error = why
  mark('end')
  local f = assert(io.open(out_path, 'w'))
  f:write(json_encode(result))
  f:close()
  vim.schedule(function() vim.cmd(ok and 'qall!' or 'cquit! 1') end)
end
-- armed first, so that any failure below still ends Neovim (a headless nvim with an error in its
-- -u file would otherwise wait forever)
vim.defer_fn(function() finish(false, 'timeout after ' .. timeout_ms .. ' ms') end, timeout_ms)

local server_cmd = json_decode(os.getenv('KL_SERVER_CMD') or '[]')
local rule = os.getenv('KL_RULE')
if #server_cmd == 0 or not rule then finish(false, 'set KL_SERVER_CMD and KL_RULE') end

-- Neovim 0.7 knows no 'OFF' log level; the log goes to stdpath('cache') (0.7) or stdpath('state')
if not pcall(vim.lsp.set_log_level, 'OFF') then vim.lsp.set_log_level('ERROR') end

-- client.request(...) up to 0.10, client:request(...) from 0.11 on
local function request(client, method, params, handler, bufnr)
  if vim.fn.has('nvim-0.11') == 1 then return client:request(method, params, handler, bufnr) end
  return client.request(method, params, handler, bufnr)
end

local function guarded(fn)
  return function(...)
    local ok, err = pcall(fn, ...)
    if not ok then finish(false, 'error in check script: ' .. tostring(err)) end
  end
end

local bufnr, client
local state = 'waiting-for-diagnostic' -- -> 'fixing' -> 'waiting-for-clear' -> done
local the_diagnostic

local function has_rule(diagnostics)
  for _, d in ipairs(diagnostics) do
    if d.code == rule then return d end
  end
end

-- what Neovim itself now holds for the buffer (vim.diagnostic), not only the raw notification
local function editor_diagnostics()
  return vim.tbl_map(function(d)
    local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
    return { lnum = d.lnum, col = d.col, end_col = d.end_col, severity = d.severity, code = code, message = d.message }
  end, vim.diagnostic.get(bufnr))
end

local function buffer_text()
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n') .. '\n'
end

local function choose_fix(actions)
  local candidates = {}
  for _, a in ipairs(actions or {}) do
    local for_rule = false
    for _, d in ipairs(a.diagnostics or {}) do
      if d.code == rule then for_rule = true end
    end
    if for_rule and (a.edit or a.command) then table.insert(candidates, a) end
  end
  for _, a in ipairs(candidates) do
    if a.isPreferred then return a end
  end
end

local function apply_fix(action)
  result.applied_action = action.title
  state = 'waiting-for-clear'
  if action.edit then
    vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding or 'utf-16')
  end
  if action.command then
    local command = type(action.command) == 'table' and action.command or action
    request(client, 'workspace/executeCommand', { command = command.command, arguments = command.arguments },
      guarded(function(err) if err then finish(false, 'executeCommand: ' .. vim.inspect(err)) end end), bufnr)
  end
  result.buffer_after_fix = buffer_text()
  mark('fix_applied')
end

local function on_code_actions(err, actions)
  mark('code_actions')
  if err then return finish(false, 'codeAction error: ' .. vim.inspect(err)) end
  result.code_actions = vim.tbl_map(function(a)
    return { title = a.title, kind = a.kind, isPreferred = a.isPreferred, has_edit = a.edit ~= nil, has_command = a.command ~= nil }
  end, actions or {})
  local fix = choose_fix(actions)
  if not fix then return finish(false, 'no preferred quick fix for ' .. rule) end
  if not fix.edit and not fix.command and fix.data then
    return request(client, 'codeAction/resolve', fix, guarded(function(err2, resolved)
      if err2 or not resolved then return finish(false, 'codeAction/resolve: ' .. vim.inspect(err2)) end
      apply_fix(resolved)
    end), bufnr)
  end
  apply_fix(fix)
end

local function on_hover(err, hover)
  mark('hover')
  if err then return finish(false, 'hover error: ' .. vim.inspect(err)) end
  result.hover = hover
  state = 'fixing'
  request(client, 'textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = the_diagnostic.range,
    context = { diagnostics = { the_diagnostic } },
  }, guarded(on_code_actions), bufnr)
end

local function on_publish(err, params, ctx, config)
  vim.lsp.diagnostic.on_publish_diagnostics(err, params, ctx, config) -- the editor's normal path too
  if not bufnr or params.uri ~= vim.uri_from_bufnr(bufnr) then return end
  result.publish_count = (result.publish_count or 0) + 1
  if state == 'waiting-for-diagnostic' then
    the_diagnostic = has_rule(params.diagnostics)
    if not the_diagnostic then return end
    mark('diagnostics')
    result.diagnostics = params.diagnostics
    result.editor_diagnostics = editor_diagnostics()
    -- hover one character inside the diagnostic (inside the string literal, past its quote)
    local at = the_diagnostic.range.start
    result.hover_position = { line = at.line, character = at.character + 1 }
    request(client, 'textDocument/hover', {
      textDocument = { uri = vim.uri_from_bufnr(bufnr) },
      position = result.hover_position,
    }, guarded(on_hover), bufnr)
  elseif state == 'waiting-for-clear' and not has_rule(params.diagnostics) then
    mark('diagnostic_cleared')
    result.diagnostics_after_fix = params.diagnostics
    result.editor_diagnostics_after_fix = editor_diagnostics()
    result.buffer_after_fix = buffer_text()
    vim.api.nvim_buf_call(bufnr, function() vim.cmd('silent write') end)
    mark('written')
    finish(true)
  end
end

vim.api.nvim_create_autocmd('FileType', {
  pattern = 'python',
  once = true,
  callback = guarded(function(args)
    bufnr = args.buf
    local config = {
      name = 'keras-lint',
      cmd = server_cmd,
      root_dir = vim.fn.getcwd(),
      handlers = { ['textDocument/publishDiagnostics'] = guarded(on_publish) },
      on_init = guarded(function(c, init_result)
        mark('initialized')
        result.server_info = init_result.serverInfo
        result.capabilities = {
          hoverProvider = init_result.capabilities.hoverProvider ~= nil,
          codeActionProvider = init_result.capabilities.codeActionProvider ~= nil,
        }
        result.server_pid = c.rpc and c.rpc.pid
      end),
      on_exit = function(code, signal)
        if not done then finish(false, 'server exited early: code ' .. tostring(code) .. ', signal ' .. tostring(signal)) end
      end,
    }
    local id
    if vim.lsp.start then -- Neovim >= 0.8
      id = vim.lsp.start(config, { bufnr = bufnr })
    else -- Neovim 0.7
      id = vim.lsp.start_client(config)
      if id then vim.lsp.buf_attach_client(bufnr, id) end
    end
    if not id then return finish(false, 'could not start ' .. table.concat(server_cmd, ' ')) end
    client = vim.lsp.get_client_by_id(id)
  end),
})
