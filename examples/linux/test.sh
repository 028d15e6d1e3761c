#!/bin/sh
# Run by the guest's init (rvisor.test=1) on the console: the grader talks to the
# student's program through the console, then checks its exit status.
echo "test: start"
/student/upper
echo "test: upper exited $?"
