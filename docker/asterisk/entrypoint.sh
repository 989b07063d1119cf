#!/bin/sh
# Puts the Docker secrets into ari.conf / manager.conf, then runs Asterisk in the foreground.
set -eu
ari=$(cat /run/secrets/ari-password)
ami=$(cat /run/secrets/ami-secret)
sed -i "s|@ARI_PASSWORD@|$ari|" /etc/asterisk/ari.conf
sed -i "s|@AMI_SECRET@|$ami|" /etc/asterisk/manager.conf
chown root:asterisk /etc/asterisk/ari.conf /etc/asterisk/manager.conf
chmod 640 /etc/asterisk/ari.conf /etc/asterisk/manager.conf
mkdir -p /run/asterisk && chown asterisk:asterisk /run/asterisk
exec /usr/sbin/asterisk -f -U asterisk -G asterisk
