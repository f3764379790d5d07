// The new-app flow: form fields, engines, job runner (work in progress).
