;;; eglot-check.el --- headless Eglot drives keras-lint's language server  -*- lexical-binding: t -*-
;;
;; usage: emacs --batch -l eglot-check.el FILE.py
;; (not -Q: -Q skips Debian's site-start, which puts elpa-eglot on the load-path)
;; env: KL_SERVER_CMD (JSON array), KL_RULE (e.g. KL002), KL_OUT, KL_TIMEOUT_MS (default 30000)
;;
;; Waits for the rule's diagnostic (raw and as Flymake shows it), asks for the hover on it and for
;; code actions, applies the preferred quick fix to the buffer, waits until the server drops the
;; diagnostic, saves the file. Everything observed goes as JSON to $KL_OUT; the runner
;; (test/e2e/scenarios/headless.mjs) asserts on it. Exit code 0 when the flow ran to the end.
;;
;; Batch mode runs neither `post-command-hook' nor idle timers, so `eglot-ensure' and Eglot's
;; delayed didChange never happen on their own: the script calls `eglot' and
;; `eglot--signal-textDocument/didChange' itself. Those are Eglot internals (checked with Eglot 1.9).

(require 'cl-lib)
(require 'json)
(require 'eglot)
(require 'python)

(defvar kl-rule (or (getenv "KL_RULE") (error "set KL_RULE")))
(defvar kl-out (or (getenv "KL_OUT") (error "set KL_OUT")))
(defvar kl-timeout (/ (string-to-number (or (getenv "KL_TIMEOUT_MS") "30000")) 1000.0))
(defvar kl-server-cmd (append (json-read-from-string (or (getenv "KL_SERVER_CMD") (error "set KL_SERVER_CMD"))) nil))

(defvar kl-result nil "Alist written as JSON at the end.")
(defvar kl-timings nil)
(defvar kl-t0 (float-time))
(defvar kl-deadline (+ (float-time) kl-timeout))
(defvar kl-file-uri nil)
(defvar kl-diagnostic nil "The first published diagnostic of `kl-rule'.")
(defvar kl-fixed nil "Non-nil once the fix was applied.")
(defvar kl-after-fix nil "The first publishDiagnostics without `kl-rule' after the fix.")
(defvar kl-publish-count 0)

(defun kl-put (key value) (push (cons key value) kl-result))
(defun kl-mark (step) (push (cons step (round (* 1000 (- (float-time) kl-t0)))) kl-timings))

(defun kl-finish (ok &optional why)
  (kl-put 'ok (if ok t :json-false))
  (when why (kl-put 'error why))
  (kl-mark 'end)
  (kl-put 'timings_ms kl-timings)
  (kl-put 'publish_count kl-publish-count)
  (with-temp-file kl-out
    (insert (json-encode kl-result)))
  (let ((server (ignore-errors (eglot-current-server))))
    (when server (ignore-errors (eglot-shutdown server))))
  (kill-emacs (if ok 0 1)))

(defun kl-wait (predicate what)
  "Run the event loop until PREDICATE holds; fail the check at the deadline."
  (while (and (not (funcall predicate)) (< (float-time) kl-deadline))
    (accept-process-output nil 0.05))
  (unless (funcall predicate)
    (kl-finish nil (format "timeout after %.0f ms waiting for %s" (* 1000 kl-timeout) what))))

(defun kl-rule-diagnostic (diagnostics)
  (cl-find kl-rule diagnostics :key (lambda (d) (plist-get d :code)) :test #'equal))

;; watch the raw notifications; Eglot's own method still feeds them to Flymake
(cl-defmethod eglot-handle-notification :after
  (_server (_method (eql textDocument/publishDiagnostics)) &key uri diagnostics &allow-other-keys)
  (when (equal uri kl-file-uri)
    (cl-incf kl-publish-count)
    (cond ((and (not kl-diagnostic) (kl-rule-diagnostic diagnostics))
           (setq kl-diagnostic (kl-rule-diagnostic diagnostics))
           (kl-mark 'diagnostics)
           (kl-put 'diagnostics diagnostics))
          ((and kl-fixed (not kl-after-fix) (not (kl-rule-diagnostic diagnostics)))
           (setq kl-after-fix t)
           (kl-mark 'diagnostic_cleared)
           (kl-put 'diagnostics_after_fix diagnostics)))))

(defun kl-editor-diagnostics ()
  "What Flymake holds for the buffer."
  (vconcat (mapcar (lambda (d)
                     (list :line (1- (line-number-at-pos (flymake-diagnostic-beg d)))
                           :type (format "%s" (flymake-diagnostic-type d))
                           :message (flymake-diagnostic-text d)))
                   (flymake-diagnostics))))

(defun kl-choose-fix (actions)
  (cl-find-if (lambda (a)
                (and (eq (plist-get a :isPreferred) t)
                     (or (plist-get a :edit) (plist-get a :command))
                     (kl-rule-diagnostic (plist-get a :diagnostics))))
              actions))

(defun kl-apply (server action)
  (let ((edit (plist-get action :edit))
        (command (plist-get action :command)))
    (when edit (eglot--apply-workspace-edit edit))
    (when command
      ;; a Command object, or a bare command inside the action
      (let ((cmd (if (stringp command) action command)))
        (eglot-execute-command server (plist-get cmd :command) (plist-get cmd :arguments))))))

(condition-case err
    (let ((file (car command-line-args-left)))
      (setq command-line-args-left nil)
      (setq eglot-server-programs `((python-mode . ,kl-server-cmd))
            eglot-sync-connect t
            eglot-autoshutdown t)
      (find-file file)
      (python-mode)
      (setq kl-file-uri (eglot--path-to-uri (buffer-file-name)))
      (kl-put 'editor "emacs")
      (kl-put 'version emacs-version)
      (kl-put 'eglot (file-name-nondirectory (directory-file-name (file-name-directory (locate-library "eglot")))))
      (apply #'eglot (eglot--guess-contact))
      (let ((server (eglot-current-server)))
        (unless server (kl-finish nil "eglot did not connect"))
        (kl-mark 'initialized)
        (kl-put 'server_pid (process-id (jsonrpc--process server)))
        (kl-put 'server_info (plist-get (eglot--server-info server) :name))
        (kl-wait (lambda () kl-diagnostic) (format "a %s diagnostic" kl-rule))
        (kl-wait (lambda () (> (length (flymake-diagnostics)) 0)) "Flymake to show the diagnostics")
        (kl-put 'editor_diagnostics (kl-editor-diagnostics))
        ;; hover one character inside the diagnostic (inside the string literal, past its quote)
        (let* ((start (plist-get (plist-get kl-diagnostic :range) :start))
               (position (list :line (plist-get start :line) :character (1+ (plist-get start :character))))
               (hover (jsonrpc-request server :textDocument/hover
                                       (list :textDocument (eglot--TextDocumentIdentifier) :position position))))
          (kl-mark 'hover)
          (kl-put 'hover_position position)
          (kl-put 'hover hover))
        (let* ((actions (jsonrpc-request server :textDocument/codeAction
                                         (list :textDocument (eglot--TextDocumentIdentifier)
                                               :range (plist-get kl-diagnostic :range)
                                               :context (list :diagnostics (vector kl-diagnostic)))))
               (fix (kl-choose-fix actions)))
          (kl-mark 'code_actions)
          (kl-put 'code_actions
                  (vconcat (mapcar (lambda (a) (list :title (plist-get a :title) :kind (plist-get a :kind)
                                                     :isPreferred (plist-get a :isPreferred)
                                                     :has_edit (if (plist-get a :edit) t :json-false)
                                                     :has_command (if (plist-get a :command) t :json-false)))
                                   actions)))
          (unless fix (kl-finish nil (format "no preferred quick fix for %s" kl-rule)))
          (kl-put 'applied_action (plist-get fix :title))
          (setq kl-fixed t)
          (kl-apply server fix)
          (kl-mark 'fix_applied)
          (eglot--signal-textDocument/didChange))
        (kl-wait (lambda () kl-after-fix) (format "the %s diagnostic to go" kl-rule))
        (kl-put 'buffer_after_fix (buffer-substring-no-properties (point-min) (point-max)))
        ;; Flymake gets the new set in the same notification
        (kl-put 'editor_diagnostics_after_fix (kl-editor-diagnostics))
        (save-buffer)
        (kl-mark 'written)
        (kl-finish t)))
  (error (kl-finish nil (format "error in check script: %S" err))))

;;; eglot-check.el ends here
